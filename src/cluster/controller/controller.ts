/**
 * The controller, as in Kafka's ZooKeeper era: one broker wins the ephemeral `/controller` znode
 * (bumping `/controller_epoch`) and from then on decides, alone and one event at a time, the
 * leader and ISR of every partition. It watches brokers come and go, topics appear, grow and be
 * marked for deletion, and writes its decisions to the partition state znodes, every write a
 * compare-and-set fenced by the controller epoch's zk version. Brokers learn their roles by
 * watching those znodes (see `cluster-mode.ts`), so a newly elected controller needs nothing but
 * ZooKeeper to carry on: it rebuilds its whole view from there.
 */
import type { Logger } from '../../util/logger.js';
import { readPartitionState, type VersionedLeaderAndIsr } from '../zk-partition-state.js';
import { isZkError, type ZkClient, ZkErrorCode, type ZkOp } from '../zookeeper/zk-client.js';
import {
  BROKER_IDS_PATH,
  CONTROLLER_EPOCH_PATH,
  CONTROLLER_PATH,
  DELETE_TOPICS_PATH,
  decodeController,
  decodeControllerEpoch,
  decodeTopicAssignment,
  decodeTopicConfig,
  deleteTopicPath,
  encodeController,
  encodeControllerEpoch,
  encodeLeaderAndIsr,
  ISR_CHANGE_PATH,
  type LeaderAndIsr,
  partitionStatePath,
  partitionsPath,
  TOPICS_PATH,
  topicConfigPath,
  topicPath,
} from '../zookeeper/zk-data.js';
import {
  canPreferredReplicaBeLeader,
  controlledShutdownPartitionLeaderElection,
  type Elected,
  newPartitionLeaderElection,
  offlinePartitionLeaderElection,
  preferredReplicaPartitionLeaderElection,
  removeReplicaFromIsr,
} from './election.js';
import { ControllerEventQueue } from './event-queue.js';
import { imbalancedPartitions, type PartitionLeadership } from './leader-imbalance.js';

export interface ControllerOptions {
  readonly brokerId: number;
  readonly uncleanLeaderElectionEnable: boolean;
  /** `auto.leader.rebalance.enable` and its settings; absent: leadership is only moved on request. */
  readonly autoLeaderRebalance?: AutoLeaderRebalanceSettings;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface AutoLeaderRebalanceSettings {
  /** `leader.imbalance.check.interval.seconds`, in ms. */
  readonly checkIntervalMs: number;
  /** `leader.imbalance.per.broker.percentage`. */
  readonly imbalancePerBrokerPercentage: number;
}

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/** ElectLeaders' election types (KIP-460): 0 preferred, 1 unclean. */
export type ElectionType = 'preferred' | 'unclean';

/** One partition's outcome of a requested election, as a Kafka error name (NONE: elected). */
export interface ElectionResult extends TopicPartitionRef {
  readonly error:
    | 'NONE'
    | 'NOT_CONTROLLER'
    | 'UNKNOWN_TOPIC_OR_PARTITION'
    | 'INVALID_TOPIC_EXCEPTION'
    | 'ELECTION_NOT_NEEDED'
    | 'PREFERRED_LEADER_NOT_AVAILABLE'
    | 'ELIGIBLE_LEADERS_NOT_AVAILABLE';
  /** The leader now (when elected). */
  readonly leader?: number;
}

/** Kafka's delay before a new controller's first imbalance check. */
const FIRST_REBALANCE_CHECK_DELAY_MS = 5000;

/** What an election pass decides for one partition, given its current state. */
type Decide = (assignment: readonly number[], current: VersionedLeaderAndIsr) => LeaderAndIsr | undefined;

export class Controller {
  private readonly queue: ControllerEventQueue;
  private readonly logger: Logger;
  private active = false;
  private epoch = 0;
  private epochZkVersion = 0;
  /** Live brokers and their epochs (czxid of the registration), as last read. */
  private live = new Map<number, bigint>();
  private readonly assignments = new Map<string, readonly (readonly number[])[]>();
  /** Topics whose config overrides `unclean.leader.election.enable`, with the override. */
  private readonly uncleanOverrides = new Map<string, boolean>();
  private readonly shuttingDown = new Set<number>();
  private readonly watches: (() => void)[] = [];
  private readonly topicWatches = new Map<string, () => void>();
  private unwatchController: (() => void) | undefined;
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly zk: ZkClient,
    private readonly options: ControllerOptions,
  ) {
    this.logger = options.logger.child({ component: 'controller' });
    this.queue = new ControllerEventQueue(this.logger);
  }

  get isActive(): boolean {
    return this.active;
  }

  get controllerEpoch(): number {
    return this.epoch;
  }

  /** Competes for `/controller` now and whenever it is vacated. */
  start(): void {
    this.stopped = false;
    this.unwatchController = this.zk.watchData(CONTROLLER_PATH, (node) => {
      const holder = node ? decodeController(node.data) : -1;
      if (holder === -1) void this.queue.put('elect', () => this.elect()).catch(() => {});
      else if (holder !== this.options.brokerId && this.active)
        void this.queue.put('resign', async () => this.resign('another broker is controller'));
    });
  }

  /** Stops competing and acting (shutdown, or a lost ZooKeeper session). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatchController?.();
    this.unwatchController = undefined;
    await this.queue.put('resign', async () => this.resign('stopping'));
    if (this.active) return;
  }

  /** Gives up the controller role without touching ZooKeeper (the session is gone or going). */
  fence(): void {
    this.resign('ZooKeeper session lost');
  }

  // ---------------------------------------------------------------------------- election

  private async elect(): Promise<void> {
    if (this.stopped || this.active) return;
    for (;;) {
      let epochNode = await this.zk.get(CONTROLLER_EPOCH_PATH);
      if (!epochNode) {
        try {
          await this.zk.create(CONTROLLER_EPOCH_PATH, encodeControllerEpoch(0));
        } catch (err) {
          if (!isZkError(err, ZkErrorCode.NODE_EXISTS)) throw err;
        }
        epochNode = await this.zk.get(CONTROLLER_EPOCH_PATH);
        if (!epochNode) continue;
      }
      const next = decodeControllerEpoch(epochNode.data) + 1;
      try {
        const [, version] = await this.zk.multi([
          {
            op: 'create',
            path: CONTROLLER_PATH,
            data: encodeController(this.options.brokerId, this.now()),
            ephemeral: true,
          },
          {
            op: 'set',
            path: CONTROLLER_EPOCH_PATH,
            data: encodeControllerEpoch(next),
            version: epochNode.version,
          },
        ]);
        this.epoch = next;
        this.epochZkVersion = version!;
        break;
      } catch (err) {
        if (isZkError(err, ZkErrorCode.NODE_EXISTS)) return; // another broker won
        if (isZkError(err, ZkErrorCode.BAD_VERSION)) continue; // epoch moved under us: read again
        throw err;
      }
    }
    this.active = true;
    this.logger.info({ epoch: this.epoch }, 'became controller');
    await this.onControllerFailover();
  }

  private resign(reason: string): void {
    if (!this.active) return;
    this.active = false;
    for (const u of this.watches) u();
    this.watches.length = 0;
    for (const u of this.topicWatches.values()) u();
    this.topicWatches.clear();
    this.assignments.clear();
    this.live.clear();
    this.shuttingDown.clear();
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
    this.logger.info({ epoch: this.epoch, reason }, 'resigned as controller');
  }

  /** A new controller reads everything from ZooKeeper, repairs what it finds, then watches. */
  private async onControllerFailover(): Promise<void> {
    this.live = await this.readLiveBrokers();
    const names = (await this.zk.children(TOPICS_PATH)) ?? [];
    for (const name of names) await this.readAssignment(name);
    await this.repairPartitions(this.allPartitions());
    await this.onTopicDeletion();
    await this.onIsrChange();
    this.watches.push(
      this.zk.watchChildren(BROKER_IDS_PATH, () =>
        this.enqueue('broker change', () => this.onBrokerChange()),
      ),
      this.zk.watchChildren(TOPICS_PATH, (children) =>
        this.enqueue('topic change', () => this.onTopicChange(children ?? [])),
      ),
      this.zk.watchChildren(DELETE_TOPICS_PATH, () =>
        this.enqueue('topic deletion', () => this.onTopicDeletion()),
      ),
      this.zk.watchChildren(ISR_CHANGE_PATH, () => this.enqueue('isr change', () => this.onIsrChange())),
    );
    for (const name of this.assignments.keys()) this.watchAssignment(name);
    this.logger.info(
      { epoch: this.epoch, brokers: [...this.live.keys()], topics: this.assignments.size },
      'controller state rebuilt from ZooKeeper',
    );
    this.scheduleAutoLeaderRebalance(FIRST_REBALANCE_CHECK_DELAY_MS);
  }

  private enqueue(name: string, event: () => Promise<void>): void {
    void this.queue
      .put(name, async () => {
        if (this.active) await event();
      })
      .catch(() => {});
  }

  // -------------------------------------------------------------------------------- events

  private async onBrokerChange(): Promise<void> {
    const now = await this.readLiveBrokers();
    const dead = new Set<number>();
    const born = new Set<number>();
    for (const [id, epoch] of this.live) if (now.get(id) !== epoch) dead.add(id);
    for (const [id, epoch] of now) if (this.live.get(id) !== epoch) born.add(id);
    if (dead.size === 0 && born.size === 0) return;
    this.live = now;
    for (const id of dead) this.shuttingDown.delete(id);
    this.logger.info({ dead: [...dead], born: [...born], live: [...now.keys()] }, 'brokers changed');
    // A dead broker's partitions need a new leader; it leaves every ISR it was in. A broker that
    // comes back may bring a leaderless partition back online.
    const affected = this.allPartitions().filter(({ topic, partition }) => {
      const replicas = this.assignments.get(topic)?.[partition] ?? [];
      return replicas.some((id) => dead.has(id) || born.has(id));
    });
    await this.repairPartitions(affected);
  }

  private async onTopicChange(children: string[]): Promise<void> {
    const present = new Set(children);
    for (const name of [...this.assignments.keys()]) {
      if (present.has(name)) continue;
      this.assignments.delete(name);
      this.topicWatches.get(name)?.();
      this.topicWatches.delete(name);
    }
    for (const name of children) {
      if (this.assignments.has(name)) continue;
      await this.readAssignment(name);
      this.watchAssignment(name);
      const partitions = this.assignments.get(name)?.length ?? 0;
      this.logger.info({ topic: name, partitions }, 'new topic');
      await this.repairPartitions(this.partitionsOf(name));
    }
  }

  /** The topic znode changed: partitions were added (Kafka's PartitionModifications). */
  private watchAssignment(name: string): void {
    if (this.topicWatches.has(name)) return;
    let first = true;
    this.topicWatches.set(
      name,
      this.zk.watchData(topicPath(name), (node) => {
        if (first) {
          first = false;
          return;
        }
        if (!node) return;
        this.enqueue('partition modification', async () => {
          const before = this.assignments.get(name)?.length ?? 0;
          await this.readAssignment(name);
          const after = this.assignments.get(name)?.length ?? 0;
          if (after <= before) return;
          this.logger.info({ topic: name, partitions: after }, 'partitions added');
          await this.repairPartitions(this.partitionsOf(name).slice(before));
        });
      }),
    );
  }

  /**
   * Kafka's TopicDeletionManager, simplified by the watches: removing the topic's znodes is what
   * tells every replica to stop and delete its log.
   */
  private async onTopicDeletion(): Promise<void> {
    const marked = (await this.zk.children(DELETE_TOPICS_PATH)) ?? [];
    for (const name of marked) {
      this.topicWatches.get(name)?.();
      this.topicWatches.delete(name);
      this.assignments.delete(name);
      await this.zk.deleteRecursive(topicPath(name));
      await this.zk.deleteRecursive(topicConfigPath(name));
      await this.zk.deleteRecursive(deleteTopicPath(name));
      this.logger.info({ topic: name }, 'deleted topic');
    }
  }

  /** Leaders changed ISRs themselves; the notifications are consumed as Kafka's controller does. */
  private async onIsrChange(): Promise<void> {
    const notes = (await this.zk.children(ISR_CHANGE_PATH)) ?? [];
    for (const note of notes) await this.zk.deleteRecursive(`${ISR_CHANGE_PATH}/${note}`);
  }

  /**
   * Controlled shutdown of `brokerId` (Kafka's `doControlledShutdown`): leadership moves to another
   * in-sync replica and the broker leaves every ISR. Returns the partitions it still leads (no
   * other replica could take over).
   */
  controlledShutdown(brokerId: number): Promise<TopicPartitionRef[]> {
    return this.queue.put('controlled shutdown', async () => {
      if (!this.active) throw new Error('not the controller');
      if (!this.live.has(brokerId)) return [];
      this.shuttingDown.add(brokerId);
      const hosted = this.allPartitions().filter(({ topic, partition }) =>
        (this.assignments.get(topic)?.[partition] ?? []).includes(brokerId),
      );
      await this.repairPartitions(hosted);
      const remaining: TopicPartitionRef[] = [];
      for (const tp of hosted) {
        const state = await readPartitionState(this.zk, tp.topic, tp.partition);
        if (state?.leader === brokerId) remaining.push(tp);
      }
      this.logger.info(
        { broker: brokerId, partitions: hosted.length, remaining: remaining.length },
        'controlled shutdown',
      );
      return remaining;
    });
  }

  /**
   * ElectLeaders (Kafka's `processReplicaLeaderElection`), on the event queue: the preferred replica
   * becomes leader again, or (unclean) a partition without a live leader gets any live replica.
   */
  electLeaders(wanted: readonly TopicPartitionRef[], type: ElectionType): Promise<ElectionResult[]> {
    return this.queue.put('replica leader election', async () => {
      if (!this.active) return wanted.map((tp) => ({ ...tp, error: 'NOT_CONTROLLER' as const }));
      const deleting = await this.topicsBeingDeleted();
      const results: ElectionResult[] = new Array(wanted.length);
      await inWindows([...wanted.keys()], REPAIR_WINDOW, async (i) => {
        const tp = wanted[i]!;
        const assignment = this.assignments.get(tp.topic)?.[tp.partition];
        if (!assignment) results[i] = { ...tp, error: 'UNKNOWN_TOPIC_OR_PARTITION' };
        else if (deleting.has(tp.topic)) results[i] = { ...tp, error: 'INVALID_TOPIC_EXCEPTION' };
        else results[i] = await this.electLeader(tp, assignment, type);
      });
      const elected = results.filter((r) => r.error === 'NONE').length;
      this.logger.info({ type, partitions: wanted.length, elected }, 'replica leader election');
      return results;
    });
  }

  /** One partition's election; the state is judged afresh on every compare-and-set attempt. */
  private async electLeader(
    tp: TopicPartitionRef,
    assignment: readonly number[],
    type: ElectionType,
  ): Promise<ElectionResult> {
    const serving = this.servingBrokers();
    const unavailable =
      type === 'preferred' ? 'PREFERRED_LEADER_NOT_AVAILABLE' : 'ELIGIBLE_LEADERS_NOT_AVAILABLE';
    let verdict: ElectionResult['error'] = unavailable;
    const written = await this.updatePartition(tp.topic, tp.partition, assignment, (replicas, current) => {
      const needed =
        type === 'preferred'
          ? current.leader !== replicas[0]
          : current.leader < 0 || !serving.has(current.leader);
      if (!needed) {
        verdict = 'ELECTION_NOT_NEEDED';
        return undefined;
      }
      const elected =
        type === 'preferred'
          ? preferredReplicaPartitionLeaderElection(replicas, current.isr, serving)
          : offlinePartitionLeaderElection(replicas, current.isr, serving, true);
      verdict = unavailable;
      if (!elected) return undefined;
      return { ...elected, leaderEpoch: current.leaderEpoch + 1, controllerEpoch: this.epoch };
    });
    if (written) return { ...tp, error: 'NONE', leader: written.leader };
    if (!this.active) return { ...tp, error: 'NOT_CONTROLLER' };
    return { ...tp, error: verdict };
  }

  /** Runs the imbalance check `delayMs` from now, and again an interval after each run. */
  private scheduleAutoLeaderRebalance(delayMs: number): void {
    const settings = this.options.autoLeaderRebalance;
    if (!settings || !this.active) return;
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => {
      this.enqueue('auto leader rebalance', async () => {
        try {
          await this.checkAndTriggerAutoLeaderRebalance(settings.imbalancePerBrokerPercentage);
        } finally {
          this.scheduleAutoLeaderRebalance(settings.checkIntervalMs);
        }
      });
    }, delayMs);
    this.rebalanceTimer.unref();
  }

  /**
   * Kafka's `checkAndTriggerAutoLeaderRebalance`: every broker whose preferred partitions are led
   * elsewhere beyond `leader.imbalance.per.broker.percentage` gets back those it can lead now.
   */
  private async checkAndTriggerAutoLeaderRebalance(imbalancePercentage: number): Promise<void> {
    const deleting = await this.topicsBeingDeleted();
    const candidates = this.allPartitions().filter((tp) => !deleting.has(tp.topic));
    const states: (PartitionLeadership & { readonly isr: readonly number[] })[] = [];
    await inWindows(candidates, REPAIR_WINDOW, async (tp) => {
      const assignment = this.assignments.get(tp.topic)?.[tp.partition];
      const state = assignment && (await readPartitionState(this.zk, tp.topic, tp.partition));
      if (assignment && state) states.push({ ...tp, assignment, leader: state.leader, isr: state.isr });
    });
    const serving = this.servingBrokers();
    const movable = imbalancedPartitions(states, imbalancePercentage / 100).filter((p) =>
      canPreferredReplicaBeLeader(p.assignment, p.isr, serving),
    );
    if (movable.length === 0) return;
    this.logger.info({ partitions: movable.length }, 'leader imbalance: electing preferred replicas');
    await inWindows(movable, REPAIR_WINDOW, async (p) => {
      await this.electLeader(p, p.assignment, 'preferred');
    });
  }

  // -------------------------------------------------------------------- partition states

  /**
   * Brings each partition to the state the live brokers allow: a new partition gets its first
   * leader; a partition whose leader is dead or shutting down gets a new one from the ISR (or
   * none); dead and shutting-down replicas leave the ISR.
   */
  private async repairPartitions(partitions: readonly TopicPartitionRef[]): Promise<void> {
    const liveIds = new Set(this.live.keys());
    const serving = this.servingBrokers();
    // Partitions are independent: their ZooKeeper round trips are pipelined, a window at a time.
    await inWindows(partitions, REPAIR_WINDOW, async ({ topic, partition }) => {
      const assignment = this.assignments.get(topic)?.[partition];
      if (!assignment) return;
      await this.updatePartition(topic, partition, assignment, (replicas, current) => {
        const leaderLive = current.leader >= 0 && liveIds.has(current.leader);
        const leaderServing = leaderLive && serving.has(current.leader);
        let elected: Elected | undefined;
        if (!leaderServing) {
          elected = leaderLive
            ? controlledShutdownPartitionLeaderElection(replicas, current.isr, liveIds, this.shuttingDown)
            : offlinePartitionLeaderElection(replicas, current.isr, serving, this.uncleanAllowed(topic));
        }
        // A shutting-down leader nobody can replace keeps leading until it stops.
        let leader = elected?.leader ?? (leaderLive ? current.leader : -1);
        let isr = elected?.isr ?? current.isr;
        // Whoever cannot serve leaves the ISR (the last member stays, as in Kafka).
        for (const id of isr) {
          if (serving.has(id) || id === leader) continue;
          ({ leader, isr } = removeReplicaFromIsr(leader, isr, id));
        }
        if (leader === current.leader && sameMembers(isr, current.isr)) return undefined;
        return { leader, leaderEpoch: current.leaderEpoch + 1, isr, controllerEpoch: this.epoch };
      });
    });
  }

  /**
   * Reads the partition's state, lets `decide` pick the next one and writes it, fenced by the
   * controller epoch and the state's zk version; a leader's concurrent ISR write makes the version
   * stale, and the decision is then made again on the fresh state. Returns the state written, if any.
   */
  private async updatePartition(
    topic: string,
    partition: number,
    assignment: readonly number[],
    decide: Decide,
  ): Promise<LeaderAndIsr | undefined> {
    for (let attempt = 0; attempt < 5 && this.active; attempt++) {
      const current = await readPartitionState(this.zk, topic, partition);
      const fence: ZkOp = { op: 'check', path: CONTROLLER_EPOCH_PATH, version: this.epochZkVersion };
      try {
        if (!current) {
          const elected = newPartitionLeaderElection(assignment, new Set(this.live.keys()));
          if (!elected) {
            this.logger.warn(
              { topic, partition, assignment },
              'no assigned replica is alive; partition offline',
            );
            return undefined;
          }
          await this.zk.ensurePath(`${partitionsPath(topic)}/${partition}`);
          const state = { ...elected, leaderEpoch: 0, controllerEpoch: this.epoch };
          await this.zk.multi([
            fence,
            { op: 'create', path: partitionStatePath(topic, partition), data: encodeLeaderAndIsr(state) },
          ]);
          this.logger.info({ topic, partition, leader: state.leader, isr: state.isr }, 'partition online');
          return state;
        }
        const next = decide(assignment, current);
        if (!next) return undefined;
        await this.zk.multi([
          fence,
          {
            op: 'set',
            path: partitionStatePath(topic, partition),
            data: encodeLeaderAndIsr(next),
            version: current.version,
          },
        ]);
        this.logger.info(
          { topic, partition, leader: next.leader, leaderEpoch: next.leaderEpoch, isr: next.isr },
          next.leader < 0 ? 'partition offline' : 'partition state changed',
        );
        return next;
      } catch (err) {
        if (isZkError(err, ZkErrorCode.BAD_VERSION) || isZkError(err, ZkErrorCode.NODE_EXISTS)) {
          if (await this.deposed()) return undefined;
          continue; // the state moved (a leader's ISR write): decide again
        }
        if (isZkError(err, ZkErrorCode.NO_NODE)) return undefined; // the topic is being deleted
        throw err;
      }
    }
    return undefined;
  }

  /** True (and resigned) when the controller epoch moved on: another broker is controller now. */
  private async deposed(): Promise<boolean> {
    const node = await this.zk.get(CONTROLLER_EPOCH_PATH);
    if (node && node.version === this.epochZkVersion) return false;
    this.resign('controller epoch moved on');
    return true;
  }

  // --------------------------------------------------------------------------------- reads

  private async readLiveBrokers(): Promise<Map<number, bigint>> {
    const ids = (await this.zk.children(BROKER_IDS_PATH)) ?? [];
    const out = new Map<number, bigint>();
    for (const id of ids) {
      const node = await this.zk.get(`${BROKER_IDS_PATH}/${id}`);
      if (node) out.set(Number(id), node.czxid);
    }
    return out;
  }

  private async readAssignment(name: string): Promise<void> {
    const node = await this.zk.get(topicPath(name));
    if (node) this.assignments.set(name, decodeTopicAssignment(node.data).partitions);
    const config = await this.zk.get(topicConfigPath(name));
    const unclean = config ? decodeTopicConfig(config.data)['unclean.leader.election.enable'] : undefined;
    if (unclean === undefined) this.uncleanOverrides.delete(name);
    else this.uncleanOverrides.set(name, unclean.toLowerCase() === 'true');
  }

  /** Topics marked in `/admin/delete_topics` whose deletion has not run yet. */
  private async topicsBeingDeleted(): Promise<Set<string>> {
    return new Set((await this.zk.children(DELETE_TOPICS_PATH)) ?? []);
  }

  /** Live brokers that are not shutting down: the ones that may take leadership. */
  private servingBrokers(): Set<number> {
    return new Set([...this.live.keys()].filter((id) => !this.shuttingDown.has(id)));
  }

  private uncleanAllowed(topic: string): boolean {
    return this.uncleanOverrides.get(topic) ?? this.options.uncleanLeaderElectionEnable;
  }

  private partitionsOf(topic: string): TopicPartitionRef[] {
    const n = this.assignments.get(topic)?.length ?? 0;
    return Array.from({ length: n }, (_, partition) => ({ topic, partition }));
  }

  private allPartitions(): TopicPartitionRef[] {
    return [...this.assignments.keys()].flatMap((t) => this.partitionsOf(t));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** How many partitions' state changes are in flight at once. */
const REPAIR_WINDOW = 64;

/** Runs `work` over `items`, at most `window` at a time. */
async function inWindows<T>(
  items: readonly T[],
  window: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, worker));
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
