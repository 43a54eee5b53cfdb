using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Common;
using Retail.Integrations;

namespace Retail.Api.Integrations;

public sealed record WebhookBody(string? Url, IReadOnlyList<string?>? Events, string? Secret, IReadOnlyList<string?>? StoreIds);

/// <summary>A new subscription, with its secret: shown this once (generated when the request named none).</summary>
public sealed record WebhookCreated(string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? StoreIds, DateTimeOffset CreatedAt, string Secret);

/// <summary>
/// Webhooks (API.md, "Integrations"). An integration key subscribes for its own stores (all of them unless
/// it names some) and sees only its own subscriptions; an admin key may subscribe to every store's events.
/// </summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/api/v1/webhooks").WithTags("Integrations").RequireRole(ApiRole.Integration);
        webhooks.MapPost("", Create).WithName("CreateWebhook").WithSummary("Subscribe a URL to events, signed with a secret")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("", List).WithName("ListWebhooks").WithSummary("The caller's subscriptions");
        webhooks.MapGet("/{id}", Get).WithName("GetWebhook").WithSummary("A subscription (never its secret)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapDelete("/{id}", Delete).WithName("DeleteWebhook").WithSummary("End a subscription; what waited is canceled")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{id}/deliveries", Deliveries).WithName("ListWebhookDeliveries")
            .WithSummary("The subscription's deliveries, newest first, each with its attempts")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost("/{id}/deliveries/{deliveryId}/retry", Retry).WithName("RetryWebhookDelivery")
            .WithSummary("Send a parked (or delivered) event again, in its turn")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static IWebhookGrain Webhook(IGrainFactory grains, string id) => grains.Get<IWebhookGrain>(GrainKeys.Webhook(id));

    private static async Task<Results<Created<WebhookCreated>, ProblemHttpResult>> Create(
        WebhookBody body, IGrainFactory grains, KnownCatalog known, HttpContext context)
    {
        var caller = context.GetApiCaller()!;
        var error = Validation.Text(body.Url, "url", WebhookTargets.MaxUrlLength)
            ?? (body.Events is null || body.Events.Any(e => e is null)
                ? new DomainError(ErrorCodes.ValidationFailed, $"Events are a list of: {string.Join(", ", WebhookEventTypes.All)}.", "events") : null)
            ?? (body.Secret is null ? null : Validation.Text(body.Secret, "secret", WebhookGrain.MaxSecretLength))
            ?? (body.StoreIds is null ? null
                : body.StoreIds.Select((s, i) => Validation.Key(s, $"storeIds[{i}]")).FirstOrDefault(e => e is not null));
        if (error is not null)
            return Problems.Of(error);
        IReadOnlyList<string>? stores = body.StoreIds?.Select(s => s!).Distinct().ToList()
            ?? (caller.IsAdmin ? null : caller.StoreIds.Order(StringComparer.Ordinal).ToList());
        foreach (var store in stores ?? [])
            if ((caller.MayUseStore(store) ? await known.CheckStoreAsync(store)
                    : new DomainError(ErrorCodes.Forbidden, $"This key is not scoped to store '{store}'.")) is { } refused)
                return Problems.Of(refused);
        var secret = body.Secret ?? "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var id = "wh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var outcome = await Webhook(grains, id).CreateAsync(new WebhookSpec(body.Url!, body.Events!.Select(e => e!).ToList(), secret, stores, caller.KeyId));
        if (outcome.Error is { } invalid)
            return Problems.Of(invalid);
        var view = outcome.Value!;
        return TypedResults.Created((string?)null, new WebhookCreated(view.Id, view.Url, view.Events, view.StoreIds, view.CreatedAt, secret));
    }

    /// <summary>The subscription if the caller may see it: its own, or any for an admin (others' are not found, not forbidden).</summary>
    private static async Task<WebhookView?> VisibleAsync(IGrainFactory grains, HttpContext context, string id)
    {
        if (Validation.ClientId(id, "id") is not null)
            return null;
        var caller = context.GetApiCaller()!;
        return await Webhook(grains, id).GetAsync() is { } view && (caller.IsAdmin || view.OwnerKeyId == caller.KeyId) ? view : null;
    }

    private static async Task<Ok<List<WebhookView>>> List(IGrainFactory grains, HttpContext context)
    {
        var caller = context.GetApiCaller()!;
        var all = await grains.Get<IWebhookFeedGrain>(IWebhookFeedGrain.Key).ListAsync();
        return TypedResults.Ok(all.Where(w => caller.IsAdmin || w.OwnerKeyId == caller.KeyId).ToList());
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(string id, IGrainFactory grains, HttpContext context) =>
        await VisibleAsync(grains, context, id) is { } view ? TypedResults.Ok(view) : Problems.NotFound($"Webhook {id}");

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, IGrainFactory grains, HttpContext context) =>
        await VisibleAsync(grains, context, id) is not null && await Webhook(grains, id).DeleteAsync()
            ? TypedResults.NoContent()
            : Problems.NotFound($"Webhook {id}");

    private static async Task<Results<Ok<IReadOnlyList<WebhookDeliveryView>>, ProblemHttpResult>> Deliveries(
        string id, IGrainFactory grains, HttpContext context, string? status = null, int limit = 100)
    {
        var error = (status is null || WebhookDeliveryStatus.All.Contains(status) ? null
                : new DomainError(ErrorCodes.ValidationFailed, $"A status is one of {string.Join(", ", WebhookDeliveryStatus.All)}.", "status"))
            ?? (limit is < 1 or > 1000 ? new DomainError(ErrorCodes.ValidationFailed, "A limit is 1 to 1000.", "limit") : null);
        if (error is not null)
            return Problems.Of(error);
        if (await VisibleAsync(grains, context, id) is null)
            return Problems.NotFound($"Webhook {id}");
        return TypedResults.Ok(await Webhook(grains, id).DeliveriesAsync(status, limit));
    }

    private static async Task<Results<Ok<WebhookDeliveryView>, ProblemHttpResult>> Retry(string id, long deliveryId, IGrainFactory grains, HttpContext context)
    {
        if (await VisibleAsync(grains, context, id) is null)
            return Problems.NotFound($"Webhook {id}");
        var outcome = await Webhook(grains, id).RetryAsync(deliveryId);
        return Answers.Of(outcome);
    }
}
