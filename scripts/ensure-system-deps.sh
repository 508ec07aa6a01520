#!/usr/bin/env bash
# Checks the system tools the test suite drives: kcat, Debian's Python Kafka clients (with the zstandard
# module kafka-python needs for zstd), ZooKeeper and Java, Prometheus (scrapes /metrics) and Chromium
# (the console's browser tests).
# As root it installs what is missing with apt-get; otherwise it prints the command and exits 1.
# Quiet (one line) when everything is present.
set -euo pipefail

PACKAGES=(python3-kafka python3-confluent-kafka python3-zstandard kcat zookeeperd prometheus chromium)
INSTALL_CMD="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES[*]}"
# Debian's client packages install into the system interpreter; another python3 on PATH may lack them.
PYTHON=/usr/bin/python3

missing=()

check_all() {
  missing=()
  command -v kcat >/dev/null 2>&1 || missing+=("kcat")
  if [ ! -x "$PYTHON" ]; then
    missing+=("$PYTHON")
  else
    "$PYTHON" -c 'import kafka' >/dev/null 2>&1 || missing+=("kafka-python ($PYTHON -c 'import kafka')")
    "$PYTHON" -c 'import confluent_kafka' >/dev/null 2>&1 ||
      missing+=("confluent-kafka ($PYTHON -c 'import confluent_kafka')")
    "$PYTHON" -c 'import zstandard' >/dev/null 2>&1 ||
      missing+=("zstandard for kafka-python's zstd ($PYTHON -c 'import zstandard')")
  fi
  if [ ! -f /usr/share/zookeeper/bin/zkServer.sh ] && [ ! -f /usr/share/java/zookeeper.jar ]; then
    missing+=("zookeeper (/usr/share/zookeeper/bin/zkServer.sh or /usr/share/java/zookeeper.jar)")
  fi
  command -v java >/dev/null 2>&1 || missing+=("java")
  [ -x /usr/bin/prometheus ] || missing+=("prometheus (/usr/bin/prometheus)")
  [ -x /usr/bin/chromium ] || missing+=("chromium (/usr/bin/chromium)")
}

# Another apt or dpkg run holds the package lock; starting a second one would fail or interleave.
apt_busy() {
  pgrep -x apt >/dev/null 2>&1 || pgrep -x apt-get >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1 ||
    pgrep -x unattended-upgr >/dev/null 2>&1
}

wait_for_apt() {
  local waited=0
  while apt_busy; do
    if [ "$waited" -eq 0 ]; then echo "system deps: waiting for a running apt/dpkg to finish" >&2; fi
    if [ "$waited" -ge 900 ]; then
      echo "system deps: apt/dpkg still running after ${waited}s; giving up" >&2
      return 1
    fi
    sleep 5
    waited=$((waited + 5))
  done
}

check_all
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system deps: kcat, kafka-python, zstandard, confluent-kafka, zookeeper, java, prometheus, chromium present"
  exit 0
fi

# A background install may be about to provide exactly what is missing.
if apt_busy; then
  wait_for_apt
  check_all
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "system deps: kcat, kafka-python, zstandard, confluent-kafka, zookeeper, java, prometheus, chromium present"
    exit 0
  fi
fi

echo "system deps: missing: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "system deps: install them as root with:" >&2
  echo "  $INSTALL_CMD" >&2
  exit 1
fi

echo "system deps: installing ${PACKAGES[*]}" >&2
wait_for_apt
# DPkg::Lock::Timeout makes apt wait for the lock instead of failing if another run starts meanwhile.
apt-get -o DPkg::Lock::Timeout=600 update -q >&2
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${PACKAGES[@]}" >&2

check_all
if [ "${#missing[@]}" -ne 0 ]; then
  echo "system deps: still missing after install: ${missing[*]}" >&2
  exit 1
fi
echo "system deps: installed ${PACKAGES[*]}"
