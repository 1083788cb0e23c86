import type { StepView } from '../../chat/message-reducer';
import { Icon, Spinner } from '../ui/Icon';

function StepIcon({ step }: { step: StepView }) {
  if (step.status === 'running') return <Spinner />;
  if (step.status === 'error') return <Icon name="alert" size={14} className="step-error" />;
  return <Icon name="check" size={14} className="step-done" />;
}

function Steps({ steps }: { steps: readonly StepView[] }) {
  return (
    <ol className="steps">
      {steps.map((step) => (
        <li key={step.step} className={`step step-${step.status}`} data-status={step.status}>
          <StepIcon step={step} />
          <span className="step-label">{step.label}</span>
          {step.status === 'running' && step.progress !== null && (
            <span className="step-progress">{Math.round(step.progress * 100)}%</span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** What Quire is doing, in plain words; folds away into one line once the answer is done. */
export function StepTrail({
  steps,
  finished,
  totalMs,
}: {
  steps: readonly StepView[];
  finished: boolean;
  totalMs: number | null;
}) {
  if (steps.length === 0) return null;
  if (!finished) {
    return (
      <div className="step-trail" data-testid="step-trail" aria-label="Progress">
        <Steps steps={steps} />
      </div>
    );
  }
  const failed = steps.some((s) => s.status === 'error');
  const time = totalMs !== null ? ` · ${(totalMs / 1000).toFixed(1)} s` : '';
  return (
    <details className="step-trail step-trail-done" data-testid="step-trail">
      <summary>
        <Icon
          name={failed ? 'alert' : 'check'}
          size={14}
          className={failed ? 'step-error' : 'step-done'}
        />
        {steps.length} {steps.length === 1 ? 'step' : 'steps'}
        {time}
      </summary>
      <Steps steps={steps} />
    </details>
  );
}
