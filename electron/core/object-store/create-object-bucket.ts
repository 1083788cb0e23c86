// The object client for a library's service: S3 (and S3-compatible ones) or Azure.
import { AzureObjectBucket } from './azure-bucket';
import type { ObjectLibraryLocation } from './library-location';
import type { ObjectBucket, ObjectBucketOptions } from './object-bucket';
import { S3ObjectBucket } from './s3-bucket';

export function createObjectBucket(
  location: ObjectLibraryLocation,
  options: ObjectBucketOptions = {},
): ObjectBucket {
  return location.kind === 'azure'
    ? new AzureObjectBucket(location, options)
    : new S3ObjectBucket(location, options);
}
