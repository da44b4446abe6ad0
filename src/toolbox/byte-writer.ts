/**
 * Collects output bytes into large chunks so printing a million small records costs a few writes, not a million.
 * Callers drain with `take()` and write the chunks themselves (the writer does no I/O).
 */
export class ByteWriter {
  #buf: Buffer;
  #pos = 0;
  #done: Buffer[] = [];
  #doneBytes = 0;
  readonly chunkSize: number;

  constructor(chunkSize = 64 * 1024) {
    this.chunkSize = chunkSize;
    this.#buf = Buffer.allocUnsafe(chunkSize);
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.#doneBytes + this.#pos;
  }

  bytes(data: Uint8Array): void {
    if (data.length > this.#buf.length - this.#pos) {
      this.#seal();
      if (data.length >= this.chunkSize / 2) {
        // Large payloads go out as they are: no copy.
        this.#done.push(Buffer.from(data.buffer, data.byteOffset, data.length));
        this.#doneBytes += data.length;
        return;
      }
    }
    this.#buf.set(data, this.#pos);
    this.#pos += data.length;
  }

  /** ASCII-only text (numbers, fixed punctuation). */
  ascii(text: string): void {
    if (text.length > this.#buf.length - this.#pos) {
      this.#seal();
      if (text.length > this.#buf.length) {
        this.bytes(Buffer.from(text, 'latin1'));
        return;
      }
    }
    this.#pos += this.#buf.write(text, this.#pos, 'latin1');
  }

  utf8(text: string): void {
    if (text.length * 3 > this.#buf.length - this.#pos) {
      this.bytes(Buffer.from(text, 'utf8'));
      return;
    }
    this.#pos += this.#buf.write(text, this.#pos, 'utf8');
  }

  byte(value: number): void {
    if (this.#pos >= this.#buf.length) this.#seal();
    this.#buf[this.#pos++] = value;
  }

  /** Everything written so far, as chunks in order; the writer starts empty again. */
  take(): Buffer[] {
    this.#seal();
    const out = this.#done;
    this.#done = [];
    this.#doneBytes = 0;
    return out;
  }

  #seal(): void {
    if (this.#pos === 0) return;
    this.#done.push(this.#buf.subarray(0, this.#pos));
    this.#doneBytes += this.#pos;
    this.#buf = Buffer.allocUnsafe(this.chunkSize);
    this.#pos = 0;
  }
}
