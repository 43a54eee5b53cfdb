using Microsoft.Extensions.Logging;
using Retail.Common;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;

namespace Retail.Documents;

/// <summary>
/// One transfer. It orders its transitions (Orleans runs them one at a time); <see cref="Transfers"/>
/// decides them; <see cref="DocumentJournal{TState}"/> makes each durable with the stock it moves at both
/// ends. After a transition, both stores' transfer lists hear of it (again on the next activation, and by
/// the timer, until they have).
/// </summary>
public sealed class TransferGrain(IRegisterJournal journal, JournaledStep step, TimeProvider clock, DocumentMetrics metrics,
    ILogger<TransferGrain> logger)
    : Grain, ITransferGrain
{
    private DocumentJournal<TransferState> document = null!;
    private bool listed = true;

    private string TransferId => GrainKeys.Id(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        document = new DocumentJournal<TransferState>(this.GetPrimaryKeyString(), journal, step, clock, logger);
        await document.LoadAsync();
        if (document.State is null)
            return;
        listed = false;
        await AfterTransitionAsync();
        this.RegisterGrainTimer(async _ => { if (!listed) await ListAsync(); },
            new GrainTimerCreationOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));
    }

    public async Task<Outcome<TransferView>> CreateAsync(string fromStoreId, string toStoreId, IReadOnlyList<DocumentLine> lines)
    {
        if (document.State is { } existing)
            return Transfers.SameAs(existing, fromStoreId, toStoreId, lines)
                ? Outcome<TransferView>.Ok(View(), replayed: true)
                : new DomainError(ErrorCodes.IdempotencyConflict, $"Transfer {TransferId} already exists with a different body.", "id");
        var (next, error) = Transfers.Create(fromStoreId, toStoreId, lines, clock.GetUtcNow());
        return error ?? await TransitionAsync("create", next!, []);
    }

    public Task<Outcome<TransferView>> ShipAsync() => WithTransferAsync(state =>
    {
        var (next, stock, error) = Transfers.Ship(TransferId, state, clock.GetUtcNow());
        return error is not null ? Task.FromResult<Outcome<TransferView>>(error) : TransitionAsync("ship", next!, stock);
    });

    public Task<Outcome<TransferView>> ReceiveAsync(IReadOnlyList<DocumentLine>? received) => WithTransferAsync(state =>
    {
        var (next, stock, error) = Transfers.Receive(TransferId, state, received, clock.GetUtcNow());
        if (error is not null)
            return Task.FromResult<Outcome<TransferView>>(error);
        var view = Transfers.View(TransferId, next!);
        return TransitionAsync("receive", next!, stock, [document.Event(DocumentEvents.TransferReceived, next!.ToStoreId, view)]);
    });

    public Task<Outcome<TransferView>> CancelAsync() => WithTransferAsync(state =>
    {
        var (next, error) = Transfers.Cancel(TransferId, state, clock.GetUtcNow());
        return error is not null ? Task.FromResult<Outcome<TransferView>>(error) : TransitionAsync("cancel", next!, []);
    });

    public Task<TransferView?> GetAsync() => Task.FromResult(document.State is null ? null : View());

    private Task<Outcome<TransferView>> WithTransferAsync(Func<TransferState, Task<Outcome<TransferView>>> transition) =>
        document.State is { } state
            ? transition(state)
            : Task.FromResult<Outcome<TransferView>>(new DomainError(ErrorCodes.NotFound, $"Transfer {TransferId} does not exist."));

    private async Task<Outcome<TransferView>> TransitionAsync(string name, TransferState next, IReadOnlyList<PlannedMovement> stock,
        IReadOnlyList<DocumentEvent>? events = null)
    {
        if (await document.CommitAsync(name, next, stock, events ?? [], DeactivateOnIdle) is { } refused)
            return refused;
        metrics.Transition("transfer", name);
        listed = false;
        await AfterTransitionAsync();
        return Outcome<TransferView>.Ok(View());
    }

    private async Task AfterTransitionAsync()
    {
        await document.PublishAsync(this.GetStreamProvider(RetailSilo.StreamProvider));
        await ListAsync();
    }

    /// <summary>Both stores' lists hear of the transfer as it stands; one that does not is told again later.</summary>
    private async Task ListAsync()
    {
        var state = document.State!;
        try
        {
            var view = View();
            await Task.WhenAll(
                GrainFactory.Get<ITransferListGrain>(GrainKeys.Store(state.FromStoreId)).NoteAsync(view, document.Sequence),
                GrainFactory.Get<ITransferListGrain>(GrainKeys.Store(state.ToStoreId)).NoteAsync(view, document.Sequence));
            listed = true;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Transfer {TransferId}: the stores' transfer lists are told again later", TransferId);
        }
    }

    private TransferView View() => Transfers.View(TransferId, document.State!);
}

[GenerateSerializer, Alias("TransferListState")]
public sealed class TransferListState
{
    [Id(0)] public Dictionary<string, TransferView> Transfers { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, long> Versions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The transfers of one store, as each transfer last reported itself (the transfer's journal is the truth).</summary>
public sealed class TransferListGrain(
    [PersistentState("transfers", StorageNames.Documents)] IPersistentState<TransferListState> list) : Grain, ITransferListGrain
{
    public async Task NoteAsync(TransferView transfer, long version)
    {
        if (list.State.Versions.TryGetValue(transfer.Id, out var known) && known >= version)
            return;
        list.State.Transfers[transfer.Id] = transfer;
        list.State.Versions[transfer.Id] = version;
        await list.WriteStateAsync();
    }

    public Task<IReadOnlyList<TransferView>> ListAsync(string? status, int limit) =>
        Task.FromResult<IReadOnlyList<TransferView>>(list.State.Transfers.Values
            .Where(t => status is null || t.Status == status)
            .OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Take(limit).ToList());
}
