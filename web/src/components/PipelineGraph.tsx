// The interactive DAG: laid out left to right by dependency, pan/zoom/fit, nodes coloured by status,
// blocked dependents marked, grouping and filters for large graphs.
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Edge, type Node, type NodeProps, type ReactFlowInstance } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { nodeStateLabel, type NodeState } from "../format";
import { profiling } from "../profile";
import { downstream, layoutGraph } from "./layout";

export interface GraphNodeInfo {
  key: string;
  kind: string;
  name: string;
  group: string;
  producers: string[];
  requiresApproval?: boolean;
}

export interface NodeStatus {
  state: NodeState;
  operation?: string;
  reason?: string;
}

interface Props {
  nodes: GraphNodeInfo[];
  statuses?: ReadonlyMap<string, NodeStatus>;
  selected?: string;
  onSelect?(key: string): void;
  /** The accessible name of the graph region. */
  label: string;
}

type Filter = "all" | "problems" | "running" | "approval";
type GroupBy = "none" | "group" | "kind";

interface CardData extends Record<string, unknown> {
  key: string;
  title: string;
  subtitle: string;
  state: NodeState;
  operation?: string;
  reason?: string;
  count?: number;
  highlighted: boolean;
  selected: boolean;
  onSelect?(key: string): void;
}

const severity: NodeState[] = ["failed", "blocked", "awaiting-approval", "running", "queued", "cancelled", "skipped", "pending", "succeeded"];

/** One resource: a button (keyboard reachable) showing kind, name and state. */
const Card = memo(function Card({ data }: NodeProps<Node<CardData>>) {
  const state = nodeStateLabel[data.state];
  const detail = data.state === "running" && data.operation ? `${state}: ${data.operation}` : state;
  return (
    <div className={`dag-node state-${data.state}${data.highlighted ? " highlighted" : ""}${data.selected ? " selected" : ""}`} data-node-key={data.key} data-state={data.state}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <button type="button" className="dag-node-button" aria-pressed={data.selected} onClick={() => data.onSelect?.(data.key)}>
        <span className="dag-kind">{data.subtitle}</span>{" "}
        <span className="dag-name">{data.title}</span>{" "}
        <span className="dag-state">
          <span className="dot" aria-hidden="true" />
          {data.count !== undefined ? `${data.count} resources · ${detail}` : detail}
        </span>
        {data.reason && <span className="visually-hidden"> ({data.reason})</span>}
      </button>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { card: Card };
const miniMapColour: Record<NodeState, string> = {
  pending: "#d0d7de",
  queued: "#d0d7de",
  running: "#54aeff",
  "awaiting-approval": "#d4a72c",
  succeeded: "#4ac26b",
  failed: "#cf222e",
  blocked: "#ff8182",
  cancelled: "#8c959f",
  skipped: "#8c959f",
};

/** Above this many nodes the graph is virtualised, opens zoomed on its roots, and its edges do not animate. */
const largeGraph = 150;

export function PipelineGraph({ nodes, statuses, selected, onSelect, label }: Props) {
  const [filter, setFilter] = useState<Filter>("all");
  const [groupBy, setGroupBy] = useState<GroupBy>("none");
  const statusOf = (key: string): NodeStatus => statuses?.get(key) ?? { state: "pending" };

  // The visible graph: grouped or not, then filtered.
  const view = useMemo(() => {
    if (groupBy === "none") return { nodes, members: null as Map<string, string[]> | null };
    const groupOf = (n: GraphNodeInfo) => (groupBy === "kind" ? n.kind : n.group || n.kind);
    const byKey = new Map(nodes.map((n) => [n.key, n]));
    const members = new Map<string, string[]>();
    const producers = new Map<string, Set<string>>();
    for (const n of nodes) {
      const g = `group:${groupOf(n)}`;
      members.set(g, [...(members.get(g) ?? []), n.key]);
      const ps = producers.get(g) ?? new Set<string>();
      for (const p of n.producers) {
        const pn = byKey.get(p);
        if (pn && `group:${groupOf(pn)}` !== g) ps.add(`group:${groupOf(pn)}`);
      }
      producers.set(g, ps);
    }
    const grouped: GraphNodeInfo[] = [...members.keys()].map((g) => ({ key: g, kind: groupBy === "kind" ? "kind" : "group", name: g.slice(6), group: "", producers: [...(producers.get(g) ?? [])] }));
    return { nodes: grouped, members };
  }, [nodes, groupBy]);

  const structure = useMemo(() => view.nodes.map((n) => `${n.key}<${n.producers.join(",")}`).join("|"), [view.nodes]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const positions = useMemo(() => {
    const start = performance.now();
    const laid = layoutGraph(view.nodes);
    if (profiling) performance.measure("infragrpc:layout", { start, end: performance.now() });
    return laid;
  }, [structure]);

  const consumers = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const n of nodes) for (const p of n.producers) map.set(p, [...(map.get(p) ?? []), n.key]);
    return map;
  }, [nodes]);

  // Dependents of the selected failed node, so the blast radius of a failure is visible at once.
  const highlighted = useMemo(() => {
    if (!selected || statusOf(selected).state !== "failed") return new Set<string>();
    return downstream(selected, consumers);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, consumers, statuses]);

  const statusOfView = (key: string): NodeStatus & { count?: number } => {
    const group = view.members?.get(key);
    if (!group) return statusOf(key);
    const states = group.map((k) => statusOf(k).state);
    const worst = severity.find((s) => states.includes(s)) ?? "pending";
    return { state: worst, count: group.length };
  };

  const matches = (s: NodeState) =>
    filter === "all" || (filter === "problems" && (s === "failed" || s === "blocked" || s === "cancelled")) || (filter === "running" && s === "running") || (filter === "approval" && s === "awaiting-approval");

  // Node objects keep their identity while their status is unchanged, so a live batch re-renders only what changed.
  const cache = useRef(new Map<string, { signature: string; node: Node<CardData> }>());
  const flowNodes = useMemo(() => {
    const next = new Map<string, { signature: string; node: Node<CardData> }>();
    const result: Node<CardData>[] = [];
    for (const n of view.nodes) {
      const status = statusOfView(n.key);
      if (!matches(status.state)) continue;
      const isSelected = selected === n.key;
      const isHighlighted = highlighted.has(n.key);
      const position = positions.get(n.key) ?? { x: 0, y: 0 };
      const signature = `${status.state}|${status.operation ?? ""}|${status.reason ?? ""}|${status.count ?? ""}|${isSelected}|${isHighlighted}|${position.x},${position.y}`;
      const cached = cache.current.get(n.key);
      const node =
        cached && cached.signature === signature && cached.node.data.onSelect === onSelect
          ? cached.node
          : {
              id: n.key,
              type: "card",
              position,
              draggable: false,
              data: {
                key: n.key,
                title: n.name,
                subtitle: n.kind,
                state: status.state,
                operation: status.operation,
                reason: status.reason,
                count: status.count,
                highlighted: isHighlighted,
                selected: isSelected,
                onSelect: view.members ? undefined : onSelect,
              },
            };
      next.set(n.key, { signature, node });
      result.push(node);
    }
    cache.current = next;
    return result;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, positions, statuses, selected, highlighted, filter, onSelect]);

  // Edges, like nodes, keep their identity unless what they show changed.
  const edgeCache = useRef(new Map<string, Edge>());
  const flowEdges = useMemo(() => {
    const shown = new Set(flowNodes.map((n) => n.id));
    const next = new Map<string, Edge>();
    const edges: Edge[] = [];
    for (const n of view.nodes) {
      if (!shown.has(n.key)) continue;
      // Animated (dashed, moving) edges repaint every frame; on a large graph that alone costs more than the updates.
      const animated = view.nodes.length <= largeGraph && statusOfView(n.key).state === "running";
      for (const p of n.producers) {
        if (!shown.has(p)) continue;
        const source = statusOfView(p).state;
        const className = source === "failed" || source === "blocked" ? "edge-blocked" : undefined;
        const id = `${p}->${n.key}`;
        const cached = edgeCache.current.get(id);
        const edge = cached && cached.animated === animated && cached.className === className ? cached : { id, source: p, target: n.key, animated, className };
        next.set(id, edge);
        edges.push(edge);
      }
    }
    edgeCache.current = next;
    return edges;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flowNodes, view]);

  const counts = useMemo(() => {
    const c = new Map<NodeState, number>();
    for (const n of nodes) c.set(statusOf(n.key).state, (c.get(statusOf(n.key).state) ?? 0) + 1);
    return c;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nodes, statuses]);

  // A small graph stays fitted when its canvas changes size (a side panel opens or closes).
  const flow = useRef<ReactFlowInstance<Node<CardData>, Edge> | null>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const fits = nodes.length <= largeGraph;
  useEffect(() => {
    const element = canvas.current;
    if (!element || !fits) return;
    let width = element.clientWidth;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth !== width) {
        width = element.clientWidth;
        void flow.current?.fitView();
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [fits]);

  // With ?profile in the URL, the first render with nodes is marked for bench/console.sh.
  const marked = useRef(false);
  useEffect(() => {
    if (!marked.current && flowNodes.length > 0 && profiling) {
      marked.current = true;
      performance.mark("infragrpc:graph-rendered", { detail: { nodes: flowNodes.length } });
    }
  }, [flowNodes.length]);

  return (
    <div className="graph" role="region" aria-label={label}>
      <div className="graph-toolbar">
        <label>
          Show{" "}
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">all resources</option>
            <option value="problems">failed, blocked and cancelled</option>
            <option value="running">running</option>
            <option value="approval">awaiting approval</option>
          </select>
        </label>
        <label>
          Group by{" "}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
            <option value="none">nothing (every resource)</option>
            <option value="group">metadata.group</option>
            <option value="kind">kind</option>
          </select>
        </label>
        <ul className="legend" aria-label="Resources by state">
          {severity
            .filter((s) => counts.get(s))
            .map((s) => (
              <li key={s} className={`state-${s}`} data-legend={s}>
                <span className="dot" aria-hidden="true" /> {counts.get(s)} {nodeStateLabel[s]}
              </li>
            ))}
        </ul>
      </div>
      <div className="graph-canvas" ref={canvas}>
        <ReactFlow
          onInit={(instance) => (flow.current = instance)}
          nodes={flowNodes}
          edges={flowEdges}
          nodeTypes={nodeTypes}
          // A large graph opens at a readable zoom on its roots (only what is on screen is in the DOM);
          // the Fit button shows all of it.
          fitView={nodes.length <= largeGraph}
          defaultViewport={nodes.length > largeGraph ? { x: 16, y: 16, zoom: 0.6 } : undefined}
          minZoom={0.05}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          onlyRenderVisibleElements={flowNodes.length > largeGraph}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} />
          {flowNodes.length <= 400 && <MiniMap pannable zoomable ariaLabel="Graph overview" nodeColor={(n) => miniMapColour[(n.data as CardData).state]} />}
        </ReactFlow>
      </div>
    </div>
  );
}

export default PipelineGraph;
