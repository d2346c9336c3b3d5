/**
 * Cuts a byte stream into text lines (LF, CRLF or lone CR). A device that never sends a newline
 * cannot grow memory without bound: a line is cut at `maxLineLength`.
 */
export class LineSplitter {
  private partial = '';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly maxLineLength = 4096) {}

  push(chunk: Uint8Array): string[] {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const parts = text.split(/\r\n|\n|\r/);
    this.partial = parts.pop() ?? '';
    const lines = parts.filter((line) => line.length > 0);
    while (this.partial.length > this.maxLineLength) {
      lines.push(this.partial.slice(0, this.maxLineLength));
      this.partial = this.partial.slice(this.maxLineLength);
    }
    return lines;
  }

  /** The unterminated rest, when the stream ends. */
  flush(): string[] {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    return rest.length > 0 ? [rest] : [];
  }
}
