import { basename } from 'node:path';
import type { LoadedPlugin, LoadReport } from './types';

/** What the table shows: any report whose plugins have a slug, a manifest and a folder. */
export type ReportRows = Omit<LoadReport, 'loaded'> & {
  loaded: (Pick<LoadedPlugin, 'slug' | 'manifest' | 'dir'> & Partial<Pick<LoadedPlugin, 'handlers'>>)[];
};

interface Row {
  folder: string;
  status: string;
  slug: string;
  detail: string;
}

function table(rows: Row[]): string {
  const header: Row = { folder: 'FOLDER', status: 'STATUS', slug: 'SLUG', detail: 'DETAIL' };
  const all = [header, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((r) => r[key].length));
  const cols = (['status', 'slug', 'folder'] as const).map((key) => [key, width(key)] as const);
  return all
    .map((r) => [...cols.map(([key, w]) => r[key].padEnd(w)), r.detail].join('  ').trimEnd())
    .join('\n');
}

/** The load report as a table, one row per loaded or skipped plugin and per error, in folder order. */
export function formatLoadReport(report: ReportRows): string {
  const rows: Row[] = [
    ...report.loaded.map((p) => ({
      folder: basename(p.dir),
      status: 'loaded',
      slug: p.slug,
      detail: [
        `v${p.manifest.version}`,
        `types: ${p.manifest.types.join(', ') || 'none'}`,
        p.manifest.actions.length > 0 ? `actions: ${p.manifest.actions.map((a) => a.name).join(', ')}` : '',
        p.handlers && p.handlers.length > 0 ? `handlers: ${p.handlers.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    })),
    ...report.skipped.map((s) => ({
      folder: basename(s.dir),
      status: 'skipped',
      slug: s.slug ?? '-',
      detail: s.reason,
    })),
    ...report.errors.map((e) => ({
      folder: basename(e.dir),
      status: 'error',
      slug: e.slug ?? '-',
      detail: e.path ? `${e.path}: ${e.message}` : e.message,
    })),
  ];
  // A stable sort keeps each plugin's errors in the order they were found.
  rows.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  const { loaded, skipped, errors } = report;
  const summary = `${loaded.length} loaded, ${skipped.length} skipped, ${errors.length} error${errors.length === 1 ? '' : 's'}`;
  return rows.length > 0 ? `${table(rows)}\n\n${summary}` : `no plugins found\n\n${summary}`;
}
