// Left-to-right layered layout of a resource graph by dependency, computed by dagre.
import dagre from "@dagrejs/dagre";

export interface GraphInput {
  key: string;
  producers: string[];
}

export const nodeWidth = 220;
export const nodeHeight = 64;

/** Positions (top-left corners) by node key. Large graphs use the cheaper longest-path ranker. */
export function layoutGraph(nodes: GraphInput[]): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 70, ranker: nodes.length > 200 ? "longest-path" : "network-simplex" });
  g.setDefaultEdgeLabel(() => ({}));
  const keys = new Set(nodes.map((n) => n.key));
  for (const n of nodes) g.setNode(n.key, { width: nodeWidth, height: nodeHeight });
  for (const n of nodes) for (const p of n.producers) if (keys.has(p)) g.setEdge(p, n.key);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const laid = g.node(n.key);
    positions.set(n.key, { x: laid.x - nodeWidth / 2, y: laid.y - nodeHeight / 2 });
  }
  return positions;
}

/** Every node downstream of `from` (its consumers, their consumers…). */
export function downstream(from: string, consumers: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(consumers.get(from) ?? [])];
  while (stack.length) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    stack.push(...(consumers.get(key) ?? []));
  }
  return seen;
}
