using Microsoft.Extensions.Logging;
using Retail.Catalog;
using Retail.Common;
using Retail.Ledger;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Documents;

/// <summary>
/// One physical count of a store. It reads the counted pairs, lets <see cref="Counts"/> plan the
/// adjustments on what it read, and journals them in one step; a sale that moved a pair in between makes
/// the step stale, and it reads again.
/// </summary>
public sealed class CountGrain(IRegisterJournal journal, JournaledStep step, TimeProvider clock, DocumentMetrics metrics,
    ILogger<CountGrain> logger)
    : Grain, ICountGrain
{
    /// <summary>How often a count reads again when sales keep moving its pairs between the read and the post.</summary>
    private const int Attempts = 5;

    private DocumentJournal<CountState> document = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        document = new DocumentJournal<CountState>(this.GetPrimaryKeyString(), journal, step, clock, logger);
        await document.LoadAsync();
    }

    public async Task<Outcome<CountReport>> PostAsync(string scope, IReadOnlyList<CountLine> lines)
    {
        if (Counts.Check(scope, lines) is { } invalid)
            return invalid;
        var fingerprint = Counts.Fingerprint(scope, lines);
        if (document.State is { } posted)
            return posted.Fingerprint == fingerprint
                ? Outcome<CountReport>.Ok(posted.Report, replayed: true)
                : new DomainError(ErrorCodes.IdempotencyConflict, $"Count {posted.Report.Id} was already posted with other lines.", "id");

        var key = GrainKeys.Id(this.GetPrimaryKeyString());
        var slash = key.IndexOf('/');
        var (storeId, countId) = (key[..slash], key[(slash + 1)..]);
        DomainError? last = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var skus = lines.Select(l => l.Sku).ToList();
            if (scope == CountScopes.Full)
                skus = skus.Union((await GrainFactory.Get<IStoreStockGrain>(GrainKeys.Store(storeId)).ListAsync()).Select(l => l.Sku), StringComparer.Ordinal).ToList();
            var levels = await Task.WhenAll(skus.Select(sku => GrainFactory.Get<IStockGrain>(GrainKeys.Stock(storeId, sku)).GetAsync()));
            var definitions = await Task.WhenAll(skus.Select(sku => GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(sku)).GetAsync()));
            var prices = skus.Zip(definitions).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!.Price, StringComparer.Ordinal);
            var (stock, report) = Counts.Plan(countId, storeId, scope, lines, levels.ToDictionary(l => l.Sku, StringComparer.Ordinal), prices, clock.GetUtcNow());
            last = await document.CommitAsync("post", new CountState(fingerprint, report), stock, [], DeactivateOnIdle);
            if (last is null)
            {
                metrics.Transition("count", "post");
                return Outcome<CountReport>.Ok(report);
            }
            if (last.Code != ErrorCodes.StaleQuantity)
                return last;
        }
        return new DomainError(ErrorCodes.Unavailable, "Sales kept moving the counted stock while the count posted; post it again.");
    }

    public Task<CountReport?> GetAsync() => Task.FromResult(document.State?.Report);
}
