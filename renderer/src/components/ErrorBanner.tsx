import { actions } from '../state/app';
import { useApp } from '../state/store';

/** Failed calls, newest last. Rendered only while there is something to say. */
export function ErrorBanner() {
  const errors = useApp((s) => s.errors);
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" role="alert">
      {errors.map((e) => (
        <div key={e.id} className="error-toast">
          <span className="error-text">{e.message}</span>
          {/* The × is drawn by CSS so the alert's text is only the message. */}
          <button
            type="button"
            className="icon-button dismiss"
            aria-label="Dismiss"
            onClick={() => actions.dismissError(e.id)}
          />
        </div>
      ))}
    </div>
  );
}
