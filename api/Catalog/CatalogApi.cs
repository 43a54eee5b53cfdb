using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Api.Access;
using Retail.Api.Http;
using Retail.Catalog;
using Retail.Common;
using Retail.Procurement;
using Retail.Registers.Fiscal;

namespace Retail.Api.Catalog;

/// <summary><see cref="OnlineRegisterId"/>: the emulated register that fiscalizes the store's online orders.</summary>
public sealed record PutStoreRequest(string? Name, string? Address, string? TimeZone, string? Inn, TaxationSystem? TaxationSystem, string? OnlineRegisterId = null);

public sealed record ComponentRequest(string? Sku, decimal? Quantity);

public sealed record SupplyRequest(int? LeadTimeDays, int? ReviewPeriodDays, decimal? PackSize, decimal? MinimumOrder, double? ServiceLevelZ);

public sealed record PutSkuRequest(
    string? Name, MeasureUnit? Unit, VatRate? Vat, decimal? Price, SkuKind? Kind,
    bool? Marked, IReadOnlyList<string>? Barcodes, IReadOnlyList<ComponentRequest>? Components, SupplyRequest? Supply);

public sealed record SkuView(
    string Sku, string Name, MeasureUnit Unit, VatRate Vat, decimal Price, SkuKind Kind,
    bool Marked, IReadOnlyList<string> Barcodes, IReadOnlyList<RecipeComponent> Components, SupplyTerms Supply)
{
    public static SkuView Of(Sku sku) => new(sku.Code, sku.Name, sku.Unit, sku.Vat, sku.Price, sku.Kind, sku.Marked, sku.Barcodes, sku.Components,
        sku.Supply ?? new SupplyTerms());
}

/// <summary>Master data: stores and SKUs (API.md, "Master data").</summary>
public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Master data");
        api.MapPut("/stores/{storeId}", PutStore).WithName("PutStore").WithSummary("Create or update a store")
            .AdminOnly().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/stores", ListStores).WithName("ListStores").WithSummary("All stores of the chain")
            .AllowAnyRole();
        api.MapGet("/stores/{storeId}", GetStore).WithName("GetStore").WithSummary("One store")
            .AllowAnyRole().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/skus/{sku}", PutSku).WithName("PutSku").WithSummary("Create or update a SKU, with its recipe")
            .AdminOnly().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/skus/{sku}", GetSku).WithName("GetSku").WithSummary("One SKU")
            .AllowAnyRole().ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<Store>, ProblemHttpResult>> PutStore(string storeId, PutStoreRequest request, IGrainFactory grains)
    {
        var error = Validation.First(
            Validation.Key(storeId, "storeId"),
            Validation.Text(request.Name, "name", 256),
            Validation.Text(request.Address, "address", 512, required: false),
            TimeZoneError(request.TimeZone),
            InnError(request.Inn),
            Validation.Required(request.TaxationSystem, "taxationSystem"),
            Validation.OneOf(request.TaxationSystem, CatalogCodes.TaxationSystems, "taxationSystem"),
            request.OnlineRegisterId is null ? null : Validation.Key(request.OnlineRegisterId, "onlineRegisterId"));
        if (error is not null)
            return Problems.Of(error);
        var store = new Store(storeId, request.Name!.Trim(), request.Address?.Trim() ?? "", request.TimeZone!, request.Inn!, request.TaxationSystem!.Value,
            request.OnlineRegisterId);
        return TypedResults.Ok(await grains.Get<IStoreGrain>(GrainKeys.Store(storeId)).DefineAsync(store));
    }

    private static async Task<Ok<List<Store>>> ListStores(IGrainFactory grains)
    {
        var ids = await grains.Get<IChainGrain>(GrainKeys.Chain).StoreIdsAsync();
        var stores = await Task.WhenAll(ids.Select(id => grains.Get<IStoreGrain>(GrainKeys.Store(id)).GetAsync()));
        return TypedResults.Ok(stores.OfType<Store>().ToList());
    }

    private static async Task<Results<Ok<Store>, ProblemHttpResult>> GetStore(string storeId, IGrainFactory grains) =>
        Validation.Key(storeId, "storeId") is null && await grains.Get<IStoreGrain>(GrainKeys.Store(storeId)).GetAsync() is { } store
            ? TypedResults.Ok(store)
            : Problems.Of(new DomainError(ErrorCodes.UnknownStore, $"Store {storeId} is not known."));

    private static async Task<Results<Ok<SkuView>, ProblemHttpResult>> PutSku(string sku, PutSkuRequest request, IGrainFactory grains)
    {
        var (definition, error) = SkuDefinition(sku, request);
        if (error is not null)
            return Problems.Of(error);
        var result = await grains.Get<ISkuGrain>(GrainKeys.Sku(sku)).DefineAsync(definition!);
        return result.Error is { } refused ? Problems.Of(refused) : TypedResults.Ok(SkuView.Of(result.Value!));
    }

    /// <summary>A SKU definition from a request, or why it is refused: PUT /skus/{sku} and the catalog import share it.</summary>
    public static (Sku? Definition, DomainError? Error) SkuDefinition(string sku, PutSkuRequest request)
    {
        var components = request.Components ?? [];
        var error = Validation.First(
            Validation.Key(sku, "sku"),
            Validation.Text(request.Name, "name", 256),
            Validation.Required(request.Unit, "unit"),
            Validation.OneOf(request.Unit, CatalogCodes.Units, "unit"),
            Validation.Required(request.Vat, "vat"),
            Validation.OneOf(request.Vat, CatalogCodes.VatRates, "vat"),
            Validation.Required(request.Price, "price"),
            Validation.Money(request.Price, "price"),
            Validation.Required(request.Kind, "kind"),
            request.Barcodes is { Count: > 100 } || request.Barcodes?.Any(b => string.IsNullOrWhiteSpace(b) || b.Length > 64) == true
                ? new DomainError(ErrorCodes.ValidationFailed, "Up to 100 barcodes of 1 to 64 characters.", "barcodes") : null,
            components.Count > 100 ? new DomainError(ErrorCodes.ValidationFailed, "A recipe has at most 100 components.", "components") : null,
            components.Count > 0 && request.Kind is not (SkuKind.Dish or SkuKind.Service)
                ? new DomainError(ErrorCodes.ValidationFailed, "Only a dish or a service has a recipe.", "components") : null);
        for (var i = 0; error is null && i < components.Count; i++)
            error = components[i] is null
                ? new DomainError(ErrorCodes.ValidationFailed, "A component is required.", $"components[{i}]")
                : Validation.First(
                    Validation.Key(components[i].Sku, $"components[{i}].sku"),
                    Validation.Required(components[i].Quantity, $"components[{i}].quantity"),
                    Validation.Quantity(components[i].Quantity, $"components[{i}].quantity"),
                    components[i].Quantity <= 0 ? new DomainError(ErrorCodes.ValidationFailed, "A component quantity is greater than zero.", $"components[{i}].quantity") : null);
        error ??= SupplyError(request.Supply);
        if (error is not null)
            return (null, error);

        var definition = new Sku(sku, request.Name!.Trim(), request.Unit!.Value, request.Vat!.Value, Money.WithKopecks(request.Price!.Value), request.Kind!.Value,
            request.Marked ?? false, request.Barcodes ?? [],
            components.Select(c => new RecipeComponent(c.Sku!, c.Quantity!.Value)).ToList(),
            request.Supply is { } supply ? new SupplyTerms(supply.LeadTimeDays ?? 2, supply.ReviewPeriodDays ?? 7, supply.PackSize ?? 1,
                supply.MinimumOrder ?? 0, supply.ServiceLevelZ ?? 1.65) : null);
        return (definition, null);
    }

    private static async Task<Results<Ok<SkuView>, ProblemHttpResult>> GetSku(string sku, IGrainFactory grains) =>
        Validation.Key(sku, "sku") is null && await grains.Get<ISkuGrain>(GrainKeys.Sku(sku)).GetAsync() is { } found
            ? TypedResults.Ok(SkuView.Of(found))
            : Problems.Of(new DomainError(ErrorCodes.UnknownSku, $"SKU {sku} is not known."));

    private static DomainError? SupplyError(SupplyRequest? supply) => supply switch
    {
        null => null,
        { LeadTimeDays: < 0 or > 365 } => new DomainError(ErrorCodes.ValidationFailed, "A lead time is 0 to 365 days.", "supply.leadTimeDays"),
        { ReviewPeriodDays: < 1 or > 365 } => new DomainError(ErrorCodes.ValidationFailed, "A review period is 1 to 365 days.", "supply.reviewPeriodDays"),
        { PackSize: <= 0 or > 1_000_000 } => new DomainError(ErrorCodes.ValidationFailed, "A pack size is greater than zero.", "supply.packSize"),
        { MinimumOrder: < 0 or > 1_000_000_000 } => new DomainError(ErrorCodes.ValidationFailed, "A minimum order is zero or more.", "supply.minimumOrder"),
        { ServiceLevelZ: < 0 or > 5 } => new DomainError(ErrorCodes.ValidationFailed, "A service level z is 0 to 5.", "supply.serviceLevelZ"),
        _ => null,
    };

    private static DomainError? TimeZoneError(string? timeZone) =>
        timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _)
            ? null
            : new DomainError(ErrorCodes.ValidationFailed, "An IANA time zone such as Europe/Moscow is required.", "timeZone");

    private static DomainError? InnError(string? inn) =>
        Inn.IsValid(inn) ? null : new DomainError(ErrorCodes.ValidationFailed, "An INN of 10 or 12 digits with valid check digits is required.", "inn");
}
