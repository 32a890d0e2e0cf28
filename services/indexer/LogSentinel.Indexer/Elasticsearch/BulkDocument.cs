namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>
/// One document of a bulk request. "create" (a document whose id exists is left as it is: a redelivery changes
/// nothing) or "index" (replaces), optionally with an external version (external_gte): an older version is refused
/// with 409 and a newer or equal one replaces, so revisions arriving out of order end with the newest.
/// </summary>
public sealed record BulkDocument(string Index, string Id, string Operation, byte[] Source, long? Version = null)
{
    public const string Create = "create";
    public const string IndexOperation = "index";
}

/// <summary>What Elasticsearch said about one document of a bulk request.</summary>
public sealed record BulkItemResult(int Status, string? ErrorType, string? ErrorReason);
