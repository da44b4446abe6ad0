// Printers of the long-running services: what they did when they stopped.
import type { ConsoleReport } from '../commands/console.ts';
import type { ExporterReport } from '../commands/exporter.ts';
import type { Printer } from '../declare.ts';
import { writeNote } from '../output.ts';

export const exporterPrinter: Printer<ExporterReport> = {
  text: (r, io) => writeNote(io, `kafkaplane exporter stopped after ${r.collections} collection${r.collections === 1 ? '' : 's'}`),
};

export const consolePrinter: Printer<ConsoleReport> = {
  text: (r, io) => {
    if (r.kind === 'hash') io.stdout.write(`${r.line}\n`);
    else writeNote(io, `kafkaplane console at ${r.url} stopped`);
  },
};
