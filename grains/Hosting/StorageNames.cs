namespace Retail.Orleans;

/// <summary>The grain storage providers a silo offers.</summary>
public static class StorageNames
{
    public const string Stock = "stock";
    public const string Catalog = "catalog";
    public const string PubSub = "PubSubStore";
}
