namespace Retail;

/// <summary>
/// The grain storage providers a silo offers: one per capability whose grains keep state there. All
/// of them write to the one orleans_grain_state table, where a row is keyed by service, state name and
/// grain id, not by provider, so a state moved from one provider to another keeps its rows.
/// </summary>
public static class StorageNames
{
    /// <summary>Stores, SKUs, the chain's store list and SKU aliases.</summary>
    public const string Catalog = "catalog";

    /// <summary>The API key directory.</summary>
    public const string Access = "access";

    /// <summary>Store stock views (their reorder points).</summary>
    public const string Stock = "stock";

    /// <summary>E-receipt outboxes and marking code states.</summary>
    public const string Registers = "registers";

    /// <summary>Transfer lists.</summary>
    public const string Documents = "documents";

    /// <summary>Purchase orders.</summary>
    public const string Procurement = "procurement";

    /// <summary>Sales figures and promotions.</summary>
    public const string Analytics = "analytics";

    /// <summary>The Orleans stream subscriptions.</summary>
    public const string PubSub = "PubSubStore";

    public static readonly IReadOnlyList<string> All = [Catalog, Access, Stock, Registers, Documents, Procurement, Analytics, PubSub];
}
