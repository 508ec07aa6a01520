/**
 * Items grouped under their topic, as partition-addressed requests and responses lay them out:
 * topics in the order first seen, each topic's items mapped by `entry`, in their order.
 */
export function groupByTopic<T extends { readonly topic: string }, E>(
  items: Iterable<T>,
  entry: (item: T) => E,
): Map<string, E[]> {
  const byTopic = new Map<string, E[]>();
  for (const item of items) {
    let list = byTopic.get(item.topic);
    if (!list) byTopic.set(item.topic, (list = []));
    list.push(entry(item));
  }
  return byTopic;
}
