// Printers of the long-running services: what they did when they stopped.
import type { ExporterReport } from '../commands/exporter.ts';
import type { Printer } from '../declare.ts';
import { writeNote } from '../output.ts';

export const exporterPrinter: Printer<ExporterReport> = {
  text: (r, io) => writeNote(io, `kafkaplane exporter stopped after ${r.collections} collection${r.collections === 1 ? '' : 's'}`),
};
