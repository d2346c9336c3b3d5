import { Fragment } from 'react';

/** Plain text from main where `backticks` mark commands to type: shown as code, nothing else parsed. */
export function RichText({ text }: { text: string }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((part, i) => (i % 2 === 1 && i < parts.length - 1 ? <code key={i}>{part}</code> : <Fragment key={i}>{i % 2 === 1 ? `\`${part}` : part}</Fragment>))}
    </>
  );
}
