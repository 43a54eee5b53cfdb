using System.Text.Json.Serialization;

namespace Retail.Catalog;

/// <summary>Tag 1055: the taxation system of the store's legal entity.</summary>
[GenerateSerializer, Alias("TaxationSystem")]
public enum TaxationSystem
{
    [JsonStringEnumMemberName("osn")] Osn = 1,
    [JsonStringEnumMemberName("usn_income")] UsnIncome = 2,
    [JsonStringEnumMemberName("usn_income_outcome")] UsnIncomeOutcome = 4,
    [JsonStringEnumMemberName("esn")] Esn = 16,
    [JsonStringEnumMemberName("patent")] Patent = 32,
}

[GenerateSerializer, Alias("MeasureUnit")]
public enum MeasureUnit
{
    Pcs = 0,
    Kg = 1,
    G = 2,
    L = 3,
    Ml = 4,
    M = 5,
}

/// <summary>The VAT rate a SKU is sold at. Prices include VAT.</summary>
[GenerateSerializer, Alias("VatRate")]
public enum VatRate
{
    [JsonStringEnumMemberName("vat22")] Vat22 = 0,
    [JsonStringEnumMemberName("vat10")] Vat10 = 1,
    [JsonStringEnumMemberName("vat0")] Vat0 = 2,
    [JsonStringEnumMemberName("none")] None = 3,
    [JsonStringEnumMemberName("vat5")] Vat5 = 4,
    [JsonStringEnumMemberName("vat7")] Vat7 = 5,
}

[GenerateSerializer, Alias("SkuKind")]
public enum SkuKind
{
    Goods = 0,
    Excise = 1,
    Service = 2,
    /// <summary>Cooked to a recipe: selling it writes off the components.</summary>
    Dish = 3,
}

[GenerateSerializer, Immutable, Alias("Store")]
public sealed record Store(
    [property: Id(0)] string StoreId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Address,
    [property: Id(3)] string TimeZone,
    [property: Id(4)] string Inn,
    [property: Id(5)] TaxationSystem TaxationSystem,
    [property: Id(6)] string? OnlineRegisterId = null);

/// <summary>One line of a recipe: how much of a component one unit of the dish or service uses.</summary>
[GenerateSerializer, Immutable, Alias("RecipeComponent")]
public sealed record RecipeComponent(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Quantity);

[GenerateSerializer, Immutable, Alias("Sku")]
public sealed record Sku(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] MeasureUnit Unit,
    [property: Id(3)] VatRate Vat,
    [property: Id(4)] decimal Price,
    [property: Id(5)] SkuKind Kind,
    [property: Id(6)] bool Marked,
    [property: Id(7)] IReadOnlyList<string> Barcodes,
    [property: Id(8)] IReadOnlyList<RecipeComponent> Components,
    [property: Id(9)] Procurement.SupplyTerms? Supply = null);
