import type { DownloadProgress } from './distribution.ts';

/** What the local runtime reports while it works; a front-end shows it as progress. */
export type LocalEvent = { type: 'download'; progress: DownloadProgress } | { type: 'step'; message: string } | { type: 'waiting'; message: string };

export type Emit = (event: LocalEvent) => void;
