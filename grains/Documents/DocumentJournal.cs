using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Retail.Common;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;

namespace Retail.Documents;

/// <summary>
/// The journal of one document (a transfer, a count, an order): every transition is one entry holding
/// the document's state after it, committed with the stock movements it causes in one
/// <see cref="JournaledStep"/>, so a document's status and the stock it moved never disagree, whatever
/// fails. Activation reads the last entry back; a second activation cannot write the same sequence.
/// The grain decides the transition (a pure rule); this makes it durable.
/// </summary>
public sealed class DocumentJournal<TState>(string journalId, IRegisterJournal journal, JournaledStep step, TimeProvider clock, ILogger logger)
    where TState : class
{
    /// <summary>The entry kind every document transition is journaled under (the register kinds are others).</summary>
    public const string Kind = "document";

    /// <summary>The document as the journal has it; null before its first transition.</summary>
    public TState? State { get; private set; }

    public long Sequence { get; private set; }

    /// <summary>The events of the last transition: published again by a new activation, in case the last one died first.</summary>
    private IReadOnlyList<DocumentEvent> lastEvents = [];

    public async Task LoadAsync()
    {
        var latest = await journal.LatestAsync(journalId);
        if (latest is null)
            return;
        var entry = DocumentEntry.Read(latest.Document);
        State = JsonSerializer.Deserialize<TState>(latest.StateAfter, RegisterGrain.Json);
        Sequence = latest.Sequence;
        lastEvents = entry.Events;
    }

    /// <summary>
    /// Journals a transition with its stock movements, all or nothing. Null when it committed; otherwise
    /// the refusal (a stock rule, such as <c>insufficient_stock</c>) or <c>unavailable</c>, and nothing changed.
    /// <paramref name="reload"/> is called when this activation can no longer trust its state (another one
    /// wrote, or the database went away mid-commit): the grain deactivates and the next call reads the journal.
    /// </summary>
    public async Task<DomainError?> CommitAsync(string transition, TState next, IReadOnlyList<PlannedMovement> stock,
        IReadOnlyList<DocumentEvent> events, Action reload)
    {
        var document = new DocumentEntry(transition, stock, events);
        var entry = new JournalEntry(journalId, Sequence + 1, Kind, null, null, null,
            JsonSerializer.SerializeToUtf8Bytes(document, RegisterGrain.Json), JsonSerializer.SerializeToUtf8Bytes(next, RegisterGrain.Json), clock.GetUtcNow());
        var result = await step.CommitAsync([entry], stock);
        switch (result.Outcome)
        {
            case CommitOutcome.Committed:
                Sequence++;
                State = next;
                lastEvents = events;
                return null;
            case CommitOutcome.Rejected:
                return result.Refusal ?? new DomainError(ErrorCodes.ValidationFailed, "The document holds a value the journal cannot store.");
            case CommitOutcome.JournalConflict or CommitOutcome.Unknown:
                logger.LogWarning("Document {JournalId}: journal sequence {Sequence} ended {Outcome}; reloading from the journal",
                    journalId, entry.Sequence, result.Outcome);
                reload();
                break;
        }
        return new DomainError(ErrorCodes.Unavailable, "The document could not be journaled just now; nothing changed. Retry it.");
    }

    /// <summary>Publishes the last transition's events (best effort: a failure is logged, and a later activation publishes them again).</summary>
    public async Task PublishAsync(IStreamProvider streams)
    {
        foreach (var item in lastEvents)
        {
            try
            {
                await streams.GetStream<DocumentEvent>(StreamId.Create(DocumentEvents.Stream, GrainKeys.Store(item.StoreId))).OnNextAsync(item);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                logger.LogWarning(error, "Document {JournalId}: event {EventId} not published", journalId, item.Id);
            }
        }
    }

    /// <summary>An event of this document's next transition: its id is the journal position, the same however often it is published.</summary>
    public DocumentEvent Event(string type, string storeId, object data) =>
        new($"{journalId}:{Sequence + 1}", type, clock.GetUtcNow(), storeId, JsonSerializer.Serialize(data, data.GetType(), RegisterGrain.Json));
}

/// <summary>What a document's journal entry holds besides the state after it: the transition, its movements and its events.</summary>
public sealed record DocumentEntry(string Transition, IReadOnlyList<PlannedMovement> Stock, IReadOnlyList<DocumentEvent> Events)
{
    public static DocumentEntry Read(byte[] json) => JsonSerializer.Deserialize<DocumentEntry>(json, RegisterGrain.Json)!;
}
