/** Config: the normalised model (secrets redacted), the projection DDL and the load diagnostics. */
import { useEffect, useState } from 'preact/hooks';
import { config, type ConfigInfo } from '../model.js';
import { ErrorBox, Json, Panel } from '../ui.js';

export function ConfigView() {
  const [info, setInfo] = useState<ConfigInfo | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    config().then(setInfo, setError);
  }, []);
  return (
    <div>
      <h1>Config</h1>
      <ErrorBox error={error} />
      {info === undefined ? null : (
        <>
          <Panel title={`Diagnostics (${info.diagnostics.length})`}>
            {info.diagnostics.length === 0 ? (
              <p class="muted" data-testid="diagnostics">
                The config loaded without warnings.
              </p>
            ) : (
              <ul class="diagnostics" data-testid="diagnostics">
                {info.diagnostics.map((d) => (
                  <li class={d.severity}>
                    <span class="mono">{d.location === undefined ? '' : `${d.location.file}:${d.location.line}:${d.location.column}`}</span>{' '}
                    {d.severity}: {d.message} <code>[{d.code}]</code>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          <div class="split">
            <Panel title="Model (normalised, secrets redacted)">
              <Json value={info.model} class="tall" />
            </Panel>
            <Panel title="Projection DDL">
              <pre class="json tall">{info.ddl}</pre>
            </Panel>
          </div>
        </>
      )}
    </div>
  );
}
