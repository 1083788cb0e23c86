// The latest speed measured for each embedding model on this machine, kept in the data folder,
// where Settings and `quire models list` read it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EmbeddingSpeedSchema, type EmbeddingSpeed } from '../../../shared/embedding-speed';

/** In the data folder, beside the settings: the figures belong to this machine, not to a model folder. */
export const SPEED_FILE = 'embedding-speed.json';

const SpeedFileSchema = z.object({
  version: z.literal(1),
  speeds: z.record(z.string(), EmbeddingSpeedSchema),
});

/** The latest measurement per model id; an unreadable file counts as none. */
export async function readSpeeds(dataDir: string): Promise<Record<string, EmbeddingSpeed>> {
  try {
    const parsed = SpeedFileSchema.safeParse(
      JSON.parse(await fs.readFile(path.join(dataDir, SPEED_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data.speeds : {};
  } catch {
    return {};
  }
}

/** Keeps `speed` as its model's latest figure; written whole and renamed, so never half. */
export async function saveSpeed(dataDir: string, speed: EmbeddingSpeed): Promise<void> {
  const speeds = { ...(await readSpeeds(dataDir)), [speed.modelId]: speed };
  const file = path.join(dataDir, SPEED_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify({ version: 1, speeds }, null, 2)}\n`);
  await fs.rename(temp, file);
}
