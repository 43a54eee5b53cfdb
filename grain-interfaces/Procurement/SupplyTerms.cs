namespace Retail.Procurement;

/// <summary>How one SKU is bought: days from order to shelf, how often orders go out, pack size and minimum order.</summary>
[GenerateSerializer, Immutable, Alias("SupplyTerms")]
public sealed record SupplyTerms(
    [property: Id(0)] int LeadTimeDays = 2,
    [property: Id(1)] int ReviewPeriodDays = 7,
    [property: Id(2)] decimal PackSize = 1,
    [property: Id(3)] decimal MinimumOrder = 0,
    [property: Id(4)] double ServiceLevelZ = 1.65);
