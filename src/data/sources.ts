// The shapes of the platform objects that the file readers accept, declared here so that the
// public .d.ts files need neither the DOM lib nor @types/node (a consumer with lib ES2022 and no
// `types` type-checks them; the consumer tests hold the package to that). A real URL, web
// ReadableStream or hyparquet AsyncBuffer is assignable to each.

/** A WHATWG `URL` (a `file:` URL of a local file), as far as the readers use it. */
export interface FileURLLike {
  readonly href: string;
  readonly protocol: string;
}

/** A web `ReadableStream` of chunks (`file.stream()` in a browser), as far as readCSV reads it. */
export interface ReadableStreamLike<T> {
  getReader(): { read(): Promise<{ done: boolean; value?: T }>; releaseLock(): void };
}

/** hyparquet's `AsyncBuffer`: the file's length and any byte range of it. */
export interface AsyncBufferLike {
  byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}
