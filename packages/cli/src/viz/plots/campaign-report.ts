import type { Output } from '../../io.ts';
import type { TestReport } from '../../test-report.ts';
import { writeText } from '../replay-outputs.ts';
import { campaignPlotData, type SeedSample } from './campaign-data.ts';
import { campaignSection } from './campaign-plots.ts';
import { reportPage } from './report-page.ts';

/** Writes `test --report FILE`: the campaign's page. Returns the line to print. */
export function writeCampaignReport(out: Output, file: string, report: TestReport, seeds: readonly SeedSample[]): string {
  const data = campaignPlotData(report, seeds);
  writeText(out, file, reportPage(data.title, [campaignSection(data)]));
  return out.c.dim(`campaign report written to ${file} (open it in a browser)`);
}
