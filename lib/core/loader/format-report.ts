import { basename } from 'node:path';
import { textTable } from '../text-table';
import { issueText } from './check-plugin';
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

/** What a loaded plugin offers, in one line: version, types, actions and optional handlers. */
export function pluginDetail(plugin: {
  version: string;
  types: readonly string[];
  actions: readonly string[];
  handlers?: readonly string[] | undefined;
}): string {
  return [
    `v${plugin.version}`,
    `types: ${plugin.types.join(', ') || 'none'}`,
    plugin.actions.length > 0 ? `actions: ${plugin.actions.join(', ')}` : '',
    plugin.handlers && plugin.handlers.length > 0 ? `handlers: ${plugin.handlers.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The load report as a table, one row per loaded or skipped plugin and per error, in folder order. */
export function formatLoadReport(report: ReportRows): string {
  const rows: Row[] = [
    ...report.loaded.map((p) => ({
      folder: basename(p.dir),
      status: 'loaded',
      slug: p.slug,
      detail: pluginDetail({
        ...p.manifest,
        actions: p.manifest.actions.map((a) => a.name),
        handlers: p.handlers,
      }),
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
      detail: issueText(e),
    })),
  ];
  // A stable sort keeps each plugin's errors in the order they were found.
  rows.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  const { loaded, skipped, errors } = report;
  const summary = `${loaded.length} loaded, ${skipped.length} skipped, ${errors.length} error${errors.length === 1 ? '' : 's'}`;
  const table = textTable([
    ['STATUS', 'SLUG', 'FOLDER', 'DETAIL'],
    ...rows.map((r) => [r.status, r.slug, r.folder, r.detail]),
  ]);
  return rows.length > 0 ? `${table}\n\n${summary}` : `no plugins found\n\n${summary}`;
}
