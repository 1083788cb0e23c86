// Before a library in a bucket is used: the bucket answers, and its prefix holds a Quire
// library (or, for a writer, nothing yet, which then becomes one).
import os from 'node:os';
import { z } from 'zod';
import { QuireError } from '../../../shared/errors';
import { createObjectBucket } from './create-object-bucket';
import type { ObjectLibraryLocation } from './library-location';
import type { ObjectBucket, ObjectBucketOptions } from './object-bucket';

/** The object that says "a Quire library lives under this prefix". */
export const LIBRARY_MARKER_KEY = 'quire-library.json';
export const LIBRARY_FORMAT = 1;

const MarkerSchema = z.object({
  format: z.number().int().positive(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type LibraryMarker = z.infer<typeof MarkerSchema>;

export type OpenLibraryBucketOptions = ObjectBucketOptions & {
  /** A writer creates the library in an empty prefix; a reader is told there is none yet. */
  create: boolean;
  /** Recorded in a new marker; default the host name. */
  createdBy?: string;
  now?: () => number;
};

/**
 * Checks that the bucket exists and that its prefix is a Quire library, creating one in an
 * empty prefix for a writer. Throws `bucket_missing`, `bucket_foreign`, `not_found` (a reader
 * of an empty prefix), `storage_auth` or `storage_unreachable`.
 */
export async function openLibraryBucket(
  location: ObjectLibraryLocation,
  options: OpenLibraryBucketOptions,
): Promise<ObjectBucket> {
  const bucket = createObjectBucket(location, options);
  try {
    try {
      await bucket.checkBucket();
    } catch (error) {
      // HeadBucket needs ListBucket on the whole bucket (and a container's properties a wider
      // SAS token). Keys limited to the library's prefix are refused it yet may do all a
      // library needs, so the reads below decide.
      if (!(error instanceof QuireError && error.code === 'storage_auth')) throw error;
    }
    await ensureMarker(bucket, options);
    return bucket;
  } catch (error) {
    bucket.close();
    throw error;
  }
}

/** The library's marker, or null when the prefix holds none. */
export async function readLibraryMarker(bucket: ObjectBucket): Promise<LibraryMarker | null> {
  const found = await bucket.getJson(LIBRARY_MARKER_KEY);
  if (!found) return null;
  const marker = MarkerSchema.safeParse(found.value);
  if (!marker.success)
    throw new QuireError(
      'bucket_foreign',
      `${bucket.uriOf(LIBRARY_MARKER_KEY)} is not a Quire library marker, so ${bucket.uriOf()} ` +
        'holds something else. Choose another bucket or prefix for the library.',
    );
  if (marker.data.format > LIBRARY_FORMAT)
    throw new QuireError(
      'internal',
      `The library in ${bucket.uriOf()} was written by a newer version of Quire. Update Quire to open it.`,
    );
  return marker.data;
}

async function ensureMarker(bucket: ObjectBucket, options: OpenLibraryBucketOptions) {
  if (await readLibraryMarker(bucket)) return;
  const [first] = await bucket.list('', { limit: 1 });
  if (first !== undefined)
    throw new QuireError(
      'bucket_foreign',
      `${bucket.uriOf()} already holds objects that are not a Quire library (such as ` +
        `"${first}"). Choose an empty prefix for the library, like ${bucket.uriOf('quire')}.`,
    );
  if (!options.create)
    throw new QuireError(
      'not_found',
      `There is no Quire library in ${bucket.uriOf()} yet. Open it once without --read-only ` +
        'to create it, or check the address.',
    );
  const marker: LibraryMarker = {
    format: LIBRARY_FORMAT,
    createdAt: new Date((options.now ?? Date.now)()).toISOString(),
    createdBy: options.createdBy ?? os.hostname(),
  };
  try {
    await bucket.putJson(LIBRARY_MARKER_KEY, marker, { ifNoneMatch: '*' });
  } catch (error) {
    // Another writer created the library at the same moment: theirs serves as well as ours.
    if (!(error instanceof QuireError && error.code === 'storage_conflict')) throw error;
    if (!(await readLibraryMarker(bucket))) throw error;
  }
}
