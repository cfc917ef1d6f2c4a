import type { ErrorPayload } from "../../bindings/ErrorPayload";

interface Props {
  error: ErrorPayload;
  title?: string;
}

/** A readable error: what happened (message) and the stable code to search for or report. */
export function ErrorBanner({ error, title = "Something went wrong" }: Props) {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-error-code={error.code}>
      <div className="error-banner__title">
        <span aria-hidden="true" className="error-banner__icon">
          !
        </span>
        {title}
        <code className="error-banner__code" data-testid="error-code" title="Error code">
          {error.code}
        </code>
      </div>
      <p className="error-banner__message" data-testid="error-message">
        {error.message}
      </p>
    </div>
  );
}
