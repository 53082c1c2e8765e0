/**
 * The routing strategies: each puts a group's deployments in order of preference; the state's
 * `acquire` then takes the first that is not cooling down nor at its limits.
 */
import type { Deployment } from "./deployment.js";
import type { DeploymentStats } from "./router-state.js";

/** How a Router spreads calls over a group's deployments. */
export type RoutingStrategy = "simple-shuffle" | "least-busy" | "latency-based" | "usage-based";

/** The strategies, for validation and messages. */
export const ROUTING_STRATEGIES: readonly RoutingStrategy[] = [
  "simple-shuffle",
  "least-busy",
  "latency-based",
  "usage-based",
];

/**
 * `deployments` in the order `strategy` prefers them. `stats` is asked only by the strategies
 * that read it; `random` breaks ties (and draws the shuffle), so that equally good deployments
 * share the traffic.
 */
export function orderDeployments(
  strategy: RoutingStrategy,
  deployments: readonly Deployment[],
  stats: () => readonly DeploymentStats[],
  random: () => number,
): Deployment[] {
  if (deployments.length < 2) return [...deployments];
  if (strategy === "simple-shuffle") return weightedShuffle(deployments, random);
  const current = stats();
  const keyed = deployments.map((deployment, index) => {
    const stat = current[index] as DeploymentStats;
    let key: number;
    if (strategy === "least-busy") key = stat.inFlight;
    else if (strategy === "usage-based") key = stat.tokensThisMinute;
    else key = stat.latencyMs ?? Number.NEGATIVE_INFINITY; // unmeasured first: measure it
    return { deployment, key, tie: random() };
  });
  keyed.sort((a, b) => a.key - b.key || a.tie - b.tie);
  return keyed.map((entry) => entry.deployment);
}

/**
 * A random order, drawn by weight: a deployment with twice the weight comes first twice as
 * often. The weight is `weight`, else `rpm`, else `tpm` (whichever the group gives first);
 * a deployment without it gets the mean of those that have it.
 */
function weightedShuffle(deployments: readonly Deployment[], random: () => number): Deployment[] {
  const weights = weightsOf(deployments);
  const pool = deployments.map((deployment, index) => ({
    deployment,
    weight: weights[index] as number,
  }));
  const ordered: Deployment[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, entry) => sum + entry.weight, 0);
    let index = pool.length - 1;
    if (total > 0) {
      let point = random() * total;
      index = pool.findIndex((entry) => {
        point -= entry.weight;
        return point < 0;
      });
      if (index === -1) index = pool.length - 1;
    } else {
      index = Math.floor(random() * pool.length);
    }
    ordered.push((pool.splice(index, 1)[0] as { deployment: Deployment }).deployment);
  }
  return ordered;
}

/** A group's weights never change: worked out once per group (a group is one array). */
const weightsByGroup = new WeakMap<readonly Deployment[], number[]>();

function weightsOf(deployments: readonly Deployment[]): number[] {
  let weights = weightsByGroup.get(deployments);
  if (weights !== undefined) return weights;
  const field = (["weight", "rpm", "tpm"] as const).find((name) =>
    deployments.some((deployment) => deployment[name] !== undefined),
  );
  const given = deployments.map((deployment) =>
    field === undefined ? undefined : deployment[field],
  );
  const known = given.filter((value): value is number => value !== undefined);
  const fallback =
    known.length === 0 ? 1 : known.reduce((sum, value) => sum + value, 0) / known.length;
  weights = given.map((value) => Math.max(0, value ?? fallback));
  weightsByGroup.set(deployments, weights);
  return weights;
}
