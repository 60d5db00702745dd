#!/bin/sh
# Runs in the temporalio/admin-tools image (the temporal-namespace service in docker-compose.yml).
# Waits until the Temporal server answers, then makes sure the app's namespace exists.
# Idempotent: an existing namespace is left as it is (its retention is not changed).
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be host:port of the Temporal frontend}"
: "${NAMESPACE:?NAMESPACE must name the namespace the app uses}"
retention="${NAMESPACE_RETENTION:-30d}"
attempts="${WAIT_ATTEMPTS:-60}"

try_until() {
  description=$1
  shift
  attempt=1
  until "$@" >/dev/null 2>&1; do
    if [ "$attempt" -ge "$attempts" ]; then
      echo "temporal-namespace: gave up waiting for $description after $attempts attempts" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

echo "temporal-namespace: waiting for the Temporal server at $TEMPORAL_ADDRESS"
try_until "the server to report healthy" temporal operator cluster health --address "$TEMPORAL_ADDRESS"

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "temporal-namespace: namespace '$NAMESPACE' already exists"
  exit 0
fi

echo "temporal-namespace: creating namespace '$NAMESPACE' (retention $retention)"
temporal operator namespace create --namespace "$NAMESPACE" --retention "$retention" --address "$TEMPORAL_ADDRESS"

# A new namespace reaches the servers' namespace caches a few seconds after it is stored (describe
# reads the store directly). Wait until an ordinary call in the namespace succeeds, so the app never
# sees "namespace not found" on its first calls.
try_until "namespace '$NAMESPACE' to become usable" \
  temporal workflow count --namespace "$NAMESPACE" --address "$TEMPORAL_ADDRESS"
echo "temporal-namespace: namespace '$NAMESPACE' is ready"
