using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Http;
using Retail.Common;
using Retail.Stock;

namespace Retail.Api.Stock;

/// <summary>Live stock of a store as Server-Sent Events (API.md, "Stock"): one <c>stock</c> event per change.</summary>
public static class StockEventsApi
{
    public static IEndpointRouteBuilder MapStockEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/stores/{storeId}/stock/events", StreamEvents).WithTags("Stock").WithName("StreamStockEvents")
            .WithSummary("Live stock changes of a store as Server-Sent Events")
            .WithDescription("Each change of a pair's stock is one event `stock` whose data is the level after it " +
                             "`{storeId, sku, onHand, reserved, available, incoming, version}`; a pair's events come in order of version.")
            .RequireRole(ApiRole.Manager, ApiRole.Cashier).ScopedToStore().KnownStore()
            .Produces<StockLevel>(StatusCodes.Status200OK, StockEventStream.ContentType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static StockEventStream StreamEvents(string storeId) => new(storeId);
}

/// <summary>Writes a store's stock changes to the response as they come, until the client goes away.</summary>
public sealed class StockEventStream(string storeId) : IResult
{
    public const string ContentType = "text/event-stream";

    /// <summary>A comment line this often keeps proxies from closing a quiet stream.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task ExecuteAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var aborted = context.RequestAborted;
        await using var feed = await StockFeed.OpenAsync(services.GetRequiredService<IGrainFactory>(), storeId,
            services.GetRequiredService<ILogger<StockFeed>>());

        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Headers go out now: once a client has them, it is subscribed and sees every later change.
        await context.Response.Body.FlushAsync(aborted);
        try
        {
            while (true)
            {
                var changes = await feed.NextAsync(KeepAlive, aborted);
                if (changes.Count == 0)
                    await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                foreach (var level in changes)
                    await context.Response.WriteAsync($"event: stock\ndata: {JsonSerializer.Serialize(level, json)}\n\n", aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the normal end of a stream.
        }
    }
}

/// <summary>
/// One client's subscription to a store's stock changes through an Orleans observer, renewed
/// periodically (it lapses otherwise, and a store grain that moved to another silo forgets it).
/// Changes are passed on in order of version per pair: a stale one is dropped, and a skipped
/// version (a lost or overtaken notice, a slow client) is filled in from the pair's ledger.
/// </summary>
public sealed class StockFeed : IStockObserver, IAsyncDisposable
{
    public static readonly TimeSpan RenewEvery = StoreStockGrain.SubscriptionLifetime / 3;

    /// <summary>The most movements one gap is filled with; a longer gap shows only its newest ones.</summary>
    public const int MaxGapFill = 1000;

    private readonly IGrainFactory grains;
    private readonly string storeId;
    private readonly ILogger logger;
    private readonly Channel<StockLevel> inbox = Channel.CreateBounded<StockLevel>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Dictionary<string, long> sentVersions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private IStockObserver? reference;
    private Task renewal = Task.CompletedTask;

    private StockFeed(IGrainFactory grains, string storeId, ILogger logger)
    {
        this.grains = grains;
        this.storeId = storeId;
        this.logger = logger;
    }

    private IStoreStockGrain Store => grains.Get<IStoreStockGrain>(GrainKeys.Store(storeId));

    public static async Task<StockFeed> OpenAsync(IGrainFactory grains, string storeId, ILogger logger)
    {
        var feed = new StockFeed(grains, storeId, logger);
        // The levels before subscribing: what the client is assumed to have, so later gaps are visible.
        foreach (var level in await feed.Store.ListAsync())
            feed.sentVersions[level.Sku] = level.Version;
        feed.reference = grains.CreateObjectReference<IStockObserver>(feed);
        try
        {
            await feed.Store.SubscribeAsync(feed.reference);
        }
        catch
        {
            grains.DeleteObjectReference<IStockObserver>(feed.reference);
            throw;
        }
        feed.renewal = feed.RenewAsync();
        return feed;
    }

    public Task ChangedAsync(StockLevel level)
    {
        inbox.Writer.TryWrite(level);
        return Task.CompletedTask;
    }

    /// <summary>The next changes in order, or none when nothing changed for <paramref name="wait"/>.</summary>
    public async Task<IReadOnlyList<StockLevel>> NextAsync(TimeSpan wait, CancellationToken cancellation)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        idle.CancelAfter(wait);
        try
        {
            await inbox.Reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return [];
        }
        var changes = new List<StockLevel>();
        while (inbox.Reader.TryRead(out var level))
        {
            var sent = sentVersions.GetValueOrDefault(level.Sku);
            if (level.Version <= sent)
                continue;
            if (level.Version > sent + 1)
                changes.AddRange(await MissedAsync(level, sent));
            changes.Add(level);
            sentVersions[level.Sku] = level.Version;
        }
        return changes;
    }

    private async Task<IEnumerable<StockLevel>> MissedAsync(StockLevel level, long sent)
    {
        var missing = (int)Math.Min(level.Version - sent - 1, MaxGapFill);
        var records = await grains.Get<IStockGrain>(GrainKeys.Stock(level.StoreId, level.Sku)).HistoryAsync(missing, level.Version);
        return records.Where(r => r.Version > sent).OrderBy(r => r.Version).Select(r => r.LevelAfter);
    }

    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                try
                {
                    await Store.SubscribeAsync(reference!);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The next tick tries again; gaps meanwhile are filled from the ledger.
                    logger.LogWarning(error, "Stock events of store {StoreId}: renewing the subscription failed", storeId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await renewal;
        if (reference is not null)
        {
            try
            {
                await Store.UnsubscribeAsync(reference);
            }
            catch (Exception error)
            {
                // Harmless: the subscription lapses by itself.
                logger.LogDebug(error, "Stock events of store {StoreId}: unsubscribing failed", storeId);
            }
            grains.DeleteObjectReference<IStockObserver>(reference);
        }
        stop.Dispose();
    }
}
