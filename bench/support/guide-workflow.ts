import type { Simulator } from '../../simulator/index.js';

/**
 * Docker's documented workflow (the Enterprise Data API guide), as a shell
 * script: exchange the OAT, list with page_size=1, take the newest date, then
 * `curl -L -o`, then `then` (more shell, with $OUT, $TYPE and $DATE set).
 * `each` runs the same steps for every listed date, report by report, as a
 * user backfilling by hand would.
 */
export function guideScript(mode: 'latest' | 'each', pipeTo?: string, then = ''): string {
  const download = pipeTo
    ? `curl -sfL -H "Authorization: Bearer $TOKEN" "$API/orgs/$ORG/reports/$TYPE/$CADENCE/$DATE/download" | ${pipeTo}`
    : `curl -sfL -o "$OUT/\${TYPE}_\${DATE}.csv" -H "Authorization: Bearer $TOKEN" "$API/orgs/$ORG/reports/$TYPE/$CADENCE/$DATE/download"`;
  const token = `TOKEN=$(curl -sf -X POST "$HUB/v2/auth/token" -H 'Content-Type: application/json' \\
  -d "{\\"identifier\\":\\"$ORG\\",\\"secret\\":\\"$OAT\\"}" | jq -r .access_token)`;
  if (mode === 'latest') {
    return `set -euo pipefail
mkdir -p "$OUT"
${token}
DATE=$(curl -sf -H "Authorization: Bearer $TOKEN" "$API/orgs/$ORG/reports/$TYPE/$CADENCE?page_size=1" | jq -r '.reports[0].Date // empty')
[ -n "$DATE" ] || { echo "No reports available." >&2; exit 1; }
${download}
${then}
`;
  }
  return `set -euo pipefail
mkdir -p "$OUT"
${token}
NEXT=""
while :; do
  PAGE=$(curl -sf -H "Authorization: Bearer $TOKEN" "$API/orgs/$ORG/reports/$TYPE/$CADENCE?page_size=100&page_token=$NEXT")
  for DATE in $(echo "$PAGE" | jq -r '.reports[].Date'); do
    ${download}
  done
  NEXT=$(echo "$PAGE" | jq -r .next_page_token)
  [ -n "$NEXT" ] || break
done
`;
}

export function guideEnv(sim: Simulator, org: string, out: string): Record<string, string> {
  return { API: sim.apiUrl, HUB: sim.hubUrl, ORG: org, OAT: sim.oatFor(org), TYPE: 'usage_pulls', CADENCE: 'daily', OUT: out };
}
