using System.Collections.Immutable;
using Retail.Registers.Fiscal;

namespace Retail.Catalog;

/// <summary>
/// The codes the catalog takes: a SKU is sold in one of these units at one of these rates (the
/// fiscal codes have more: tonnes, square metres, the calculated rates of advances, the old 20%).
/// </summary>
public static class CatalogCodes
{
    public static readonly ImmutableArray<MeasureUnit> Units =
        [MeasureUnit.Piece, MeasureUnit.Kilogram, MeasureUnit.Gram, MeasureUnit.Liter, MeasureUnit.Milliliter, MeasureUnit.Meter];

    public static readonly ImmutableArray<VatRate> VatRates =
        [VatRate.Vat22, VatRate.Vat10, VatRate.Vat0, VatRate.None, VatRate.Vat5, VatRate.Vat7];

    public static readonly ImmutableArray<TaxationSystem> TaxationSystems =
        [TaxationSystem.Osn, TaxationSystem.UsnIncome, TaxationSystem.UsnIncomeOutcome, TaxationSystem.Esn, TaxationSystem.Patent];
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
