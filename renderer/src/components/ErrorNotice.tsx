import type { Problem } from '../app/problem';

export function ErrorNotice({ problem, testId = 'error' }: { problem: Problem; testId?: string }) {
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={problem.code}>
      <p className="notice-message">{problem.message}</p>
      <p className="notice-fix">
        <strong>What you can do: </strong>
        {problem.fix}
      </p>
    </div>
  );
}
