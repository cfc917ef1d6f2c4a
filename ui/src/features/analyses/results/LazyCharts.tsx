import { Component, lazy, Suspense, type ComponentProps, type ReactNode } from "react";

// The chart library is loaded once, when the first chart is shown.
const load = () => import("./charts");
const RankBarsLazy = lazy(() => load().then((m) => ({ default: m.RankBars })));
const TimelineLazy = lazy(() => load().then((m) => ({ default: m.Timeline })));
const FileTreemapLazy = lazy(() => load().then((m) => ({ default: m.FileTreemap })));

/** A chart that fails (or whose code cannot load) says so; the tables beside it stay. */
class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <p className="muted">The chart could not be drawn; the table below has the same figures.</p> : this.props.children;
  }
}

function Loading() {
  return <div className="chart chart--loading muted">Loading chart…</div>;
}

function wrap(node: ReactNode) {
  return (
    <ChartBoundary>
      <Suspense fallback={<Loading />}>{node}</Suspense>
    </ChartBoundary>
  );
}

type ChartsModule = typeof import("./charts");

export function RankBars(props: ComponentProps<ChartsModule["RankBars"]>) {
  return wrap(<RankBarsLazy {...props} />);
}

export function Timeline(props: ComponentProps<ChartsModule["Timeline"]>) {
  return wrap(<TimelineLazy {...props} />);
}

export function FileTreemap<T extends { path: string }>(props: {
  files: readonly T[];
  size: (file: T) => number;
  label: string;
  onOpen: (path: string) => void;
}) {
  const Lazy = FileTreemapLazy as unknown as (p: typeof props) => ReactNode;
  return wrap(<Lazy {...props} />);
}
