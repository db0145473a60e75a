#!/usr/bin/env bash
# Records the lab's slurmrestd responses into test/fixtures/slurmrestd-22.05/ (see record.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx scripts/lab/record.ts "$@"
