// A library in an S3-compatible bucket or an Azure container: its address, its own small
// objects, the check before use and the single-writer lease. LanceDB reaches the tables itself
// (see the store room).
export {
  lanceStorageOptions,
  parseLibraryLocation,
  type AzureCredentials,
  type AzureLibraryLocation,
  type LibraryLocation,
  type LocalLibraryLocation,
  type ObjectLibraryLocation,
  type S3Credentials,
  type S3LibraryLocation,
} from './library-location';
export { ObjectBucket, type ObjectBucketOptions, type WriteConditions } from './object-bucket';
export { createObjectBucket } from './create-object-bucket';
export {
  LIBRARY_FORMAT,
  LIBRARY_MARKER_KEY,
  openLibraryBucket,
  readLibraryMarker,
  type LibraryMarker,
  type OpenLibraryBucketOptions,
} from './library-bucket';
export {
  DEFAULT_LEASE_TTL_MS,
  LEASE_KEY,
  LibraryInUseError,
  LibraryLease,
  leaseIsLive,
  readLease,
  type LeaseHolder,
  type LeaseOptions,
  type LeaseRecord,
} from './library-lease';
export { JournalMirror, SEGMENTS_PER_GENERATION, type SegmentObjects } from './journal-segments';
