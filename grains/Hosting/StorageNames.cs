namespace Retail.Orleans;

/// <summary>The grain storage providers a silo offers.</summary>
public static class StorageNames
{
    public const string Stock = "stock";
    public const string Catalog = "catalog";
    public const string Analytics = "analytics";
    public const string PubSub = "PubSubStore";

    public static readonly IReadOnlyList<string> All = [Stock, Catalog, Analytics, PubSub];
}
