namespace Retail;

/// <summary>The grain storage providers a silo offers.</summary>
public static class StorageNames
{
    public const string Catalog = "catalog";
    public const string Analytics = "analytics";
    public const string PubSub = "PubSubStore";

    public static readonly IReadOnlyList<string> All = [Catalog, Analytics, PubSub];
}
