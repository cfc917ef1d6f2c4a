import { Component, type ErrorInfo, type ReactNode } from "react";

import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { normalizeError } from "../errors";
import { ErrorBanner } from "./ErrorBanner";

interface Props {
  children: ReactNode;
}

interface State {
  error: ErrorPayload | null;
}

/** Last line of defence: a rendering bug shows a readable message instead of a blank window. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: normalizeError(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("RepoVault UI crashed", error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="crash">
        <ErrorBanner error={this.state.error} title="The RepoVault window failed to render" />
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload window
        </button>
      </div>
    );
  }
}
