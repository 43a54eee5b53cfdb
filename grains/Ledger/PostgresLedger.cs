using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Ledger;

/// <summary>
/// The ledger in PostgreSQL. Commits of every grain of the silo are group-committed: each batch is one
/// transaction that inserts the journal entries, moves each pair's head by compare-and-set and inserts
/// the stock rows, in one round trip. A commit that cannot go (a head moved, a duplicate id) is taken out
/// with the commits staged on it and the rest is written again; a batch the database refuses is split in
/// halves until the bad commit fails alone. Commits whose rows sit on each other's across pairs (tills' receipts whose
/// stages reached their stock grains in different orders) land only in one batch together: a commit refused for a row
/// below it is held back and written again with every batch for a moment, as the embedded ledger waits for them.
/// </summary>
public sealed class PostgresLedger : ILedger, IAsyncDisposable
{
    public const string MovementColumns =
        "store_id, sku, version, movement_id, type, quantity, on_hand_delta, reserved_delta, incoming_delta, " +
        "on_hand_after, reserved_after, incoming_after, occurred_at, recorded_at, reason, document_kind, " +
        "document_id, fiscal_document_number, fingerprint";

    public const string JournalColumns =
        "register_id, sequence, kind, client_id, fiscal_document_number, fingerprint, document, state_after, recorded_at, store_id, fn_serial";

    private const string InsertJournalSql =
        $"INSERT INTO register_journal ({JournalColumns}) " +
        "SELECT r, s, k, c, f, p, convert_from(d, 'UTF8')::jsonb, convert_from(a, 'UTF8')::jsonb, t, st, n FROM unnest(@register_id, @sequence, @kind, @client_id, " +
        "@fiscal_document_number, @fingerprint, @document, @state_after, @recorded_at, @store_id, @fn_serial) AS x(r, s, k, c, f, p, d, a, t, st, n) " +
        "ON CONFLICT DO NOTHING RETURNING register_id, sequence";

    /// <summary>Heads are locked in one order first, so two batches moving the same pairs wait for each other instead of deadlocking.</summary>
    private const string LockHeadsSql =
        "SELECT h.store_id FROM stock_heads h JOIN unnest(@store_id, @sku) AS x(store_id, sku) ON h.store_id = x.store_id AND h.sku = x.sku " +
        "ORDER BY h.store_id, h.sku FOR UPDATE OF h";

    private const string MoveHeadsSql =
        "UPDATE stock_heads h SET version = x.version, token = x.token, on_hand = x.on_hand, reserved = x.reserved, incoming = x.incoming " +
        "FROM unnest(@store_id, @sku, @from_version, @from_token, @version, @token, @on_hand, @reserved, @incoming) " +
        "AS x(store_id, sku, from_version, from_token, version, token, on_hand, reserved, incoming) " +
        "WHERE h.store_id = x.store_id AND h.sku = x.sku AND h.version = x.from_version AND h.token = x.from_token " +
        "RETURNING h.store_id, h.sku";

    private const string NewHeadsSql =
        "INSERT INTO stock_heads (store_id, sku, version, token, on_hand, reserved, incoming) " +
        "SELECT * FROM unnest(@store_id, @sku, @version, @token, @on_hand, @reserved, @incoming) " +
        "ON CONFLICT DO NOTHING RETURNING store_id, sku";

    private const string InsertMovementsSql =
        $"INSERT INTO stock_movements ({MovementColumns}) " +
        "SELECT * FROM unnest(@store_id, @sku, @version, @movement_id, @type, @quantity, @on_hand_delta, " +
        "@reserved_delta, @incoming_delta, @on_hand_after, @reserved_after, @incoming_after, @occurred_at, " +
        "@recorded_at, @reason, @document_kind, @document_id, @fiscal_document_number, @fingerprint) " +
        "ON CONFLICT DO NOTHING RETURNING store_id, sku, version";

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<PostgresLedger> logger;
    private readonly GroupCommit<LedgerCommit, CommitResult> commits;
    /// <summary>What a batch answers for a commit it holds back: its caller waits for the batch that lands it, or for time to run out.</summary>
    private static readonly CommitResult HeldBack = new(CommitOutcome.StockConflict);

    private readonly Lock heldSync = new();
    /// <summary>Commits refused for a row below them, each written again with the batches to come until it lands or waited long enough.</summary>
    private readonly List<Held> held = [];
    private readonly Dictionary<LedgerCommit, Held> heldFor = new(ReferenceEqualityComparer.Instance);

    private sealed class Held(LedgerCommit commit)
    {
        public LedgerCommit Commit => commit;
        public long Since { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
        public TaskCompletionSource<CommitResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>In a batch being written now: only that batch may answer it.</summary>
        public bool Writing { get; set; }
        /// <summary>Its time ran out while a batch was writing it: that batch answers it, whatever the clock it reads says.</summary>
        public bool TimedOut { get; set; }
        public bool Expired => TimedOut || System.Diagnostics.Stopwatch.GetElapsedTime(Since) >= InMemoryLedger.Waiting;
    }

    public PostgresLedger(NpgsqlDataSource dataSource, LedgerMetrics metrics, ILogger<PostgresLedger> logger)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        commits = new GroupCommit<LedgerCommit, CommitResult>(WriteWithHeldAsync, CommitResult.Unavailable,
            (size, duration) => metrics.RecordBatch("ledger", size, duration));
    }

    public async Task<CommitResult> CommitAsync(LedgerCommit commit)
    {
        var result = await commits.AppendAsync(commit);
        if (!ReferenceEquals(result, HeldBack))
            return result;
        Held waiting;
        lock (heldSync)
            heldFor.Remove(commit, out waiting!);
        return await waiting.Done.Task;
    }

    /// <summary>The batch with the commits held back before it: each held one is answered once it lands or has waited long enough.</summary>
    private async Task<IReadOnlyList<CommitResult>> WriteWithHeldAsync(IReadOnlyList<LedgerCommit> batch, CancellationToken cancellationToken)
    {
        var (answers, seen) = await WriteTogetherAsync(batch, cancellationToken);
        // Commits another batch held back while this one was written never met the ones held here: write them all together again.
        for (var round = 0; round < 3; round++)
        {
            bool others;
            lock (heldSync)
                others = held.Any(h => !h.Writing && !seen.Contains(h));
            if (!others)
                break;
            try
            {
                (_, seen) = await WriteTogetherAsync([], cancellationToken);
            }
            catch (Exception error)
            {
                // The batch's own answers stand (they landed or were refused already); the held ones were answered by the failed round.
                logger.LogWarning(error, "Ledger: writing the held-back commits again failed");
                break;
            }
        }
        return answers;
    }

    private async Task<(CommitResult[] Answers, HashSet<Held> Seen)> WriteTogetherAsync(IReadOnlyList<LedgerCommit> batch, CancellationToken cancellationToken)
    {
        List<Held> again;
        lock (heldSync)
        {
            again = held.Where(h => !h.Writing).ToList();
            foreach (var h in again)
                h.Writing = true;
        }
        IReadOnlyList<CommitResult> results;
        try
        {
            var all = again.Count == 0 ? batch : again.Select(h => h.Commit).Concat(batch).ToList();
            results = all.Count == 0 ? [] : await WriteBatchAsync(all, cancellationToken);
        }
        catch
        {
            // A pass of the batch may have landed before it failed: the held ones look their outcome up, as the batch's own callers do.
            lock (heldSync)
                foreach (var h in again)
                {
                    held.Remove(h);
                    h.Done.TrySetResult(new CommitResult(CommitOutcome.Unknown));
                }
            throw;
        }
        var answers = new CommitResult[batch.Count];
        var seen = new HashSet<Held>(again);
        lock (heldSync)
        {
            for (var i = 0; i < again.Count; i++)
            {
                again[i].Writing = false;
                if (results[i].Outcome != CommitOutcome.StockConflict || again[i].Expired)
                {
                    held.Remove(again[i]);
                    again[i].Done.TrySetResult(results[i]);
                }
            }
            for (var j = 0; j < batch.Count; j++)
            {
                answers[j] = results[again.Count + j];
                if (answers[j].Outcome != CommitOutcome.StockConflict)
                    continue;
                var h = new Held(batch[j]);
                held.Add(h);
                seen.Add(h);
                heldFor[batch[j]] = h;
                answers[j] = HeldBack;
                _ = Task.Delay(InMemoryLedger.Waiting).ContinueWith(_ =>
                {
                    lock (heldSync)
                    {
                        if (h.Writing)
                            h.TimedOut = true;
                        else if (held.Remove(h))
                            h.Done.TrySetResult(new CommitResult(CommitOutcome.StockConflict));
                    }
                }, TaskScheduler.Default);
            }
        }
        return (answers, seen);
    }

    private async Task<IReadOnlyList<CommitResult>> WriteBatchAsync(IReadOnlyList<LedgerCommit> batch, CancellationToken cancellationToken)
    {
        var results = new CommitResult?[batch.Count];
        var pending = Enumerable.Range(0, batch.Count).ToList();
        var passLimit = batch.Count;
        var deadlocks = 0;
        while (pending.Count > 0)
        {
            var (pass, later) = CommitPlan.Chainable(batch, pending, passLimit);
            IReadOnlyDictionary<int, CommitResult> failed;
            try
            {
                failed = await TryWriteAsync(batch, pass, cancellationToken);
            }
            catch (PostgresException error) when (error.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                                  && ++deadlocks <= 3)
            {
                // Two batches crossed on the same heads: nothing was written; the same pass goes again.
                logger.LogInformation("Ledger: a pass met another on the same heads ({SqlState}); writing it again", error.SqlState);
                continue;
            }
            catch (Exception error) when (IsRefusalOfData(error) && pass.Count > 1)
            {
                // Some commit's own rows are unwritable: halve until it fails alone, the others go through.
                passLimit = Math.Max(1, pass.Count / 2);
                continue;
            }
            catch (Exception error) when (IsRefusalOfData(error))
            {
                logger.LogError(error, "Ledger: a commit was refused by the database");
                failed = new Dictionary<int, CommitResult> { [pass[0]] = new(CommitOutcome.Rejected) };
                // The unwritable one is out: the others go in passes as large as before.
                passLimit = batch.Count;
            }
            catch (CommitUncertainException error)
            {
                logger.LogWarning(error.InnerException, "Ledger: the database went away during a commit");
                foreach (var i in pass)
                    results[i] = new CommitResult(CommitOutcome.Unknown);
                foreach (var i in CommitPlan.WithDependents(batch, pass, later))
                    results[i] ??= CommitResult.Unavailable;
                pending = later.Where(i => results[i] is null).ToList();
                continue;
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Ledger: the database is not available");
                foreach (var i in pending)
                    results[i] = CommitResult.Unavailable;
                break;
            }

            if (failed.Count == 0)
            {
                foreach (var i in pass)
                    results[i] = CommitResult.Committed;
                pending = later;
                continue;
            }
            foreach (var (i, result) in failed)
                results[i] = result;
            // Everything was rolled back: the failed commits and those staged on them are out, the rest go again.
            foreach (var i in CommitPlan.WithDependents(batch, failed.Keys, pending))
                results[i] ??= new CommitResult(CommitOutcome.StockConflict);
            pending = pending.Where(i => results[i] is null).ToList();
        }
        return results.Select(r => r ?? CommitResult.Unavailable).ToList();
    }

    /// <summary>Writes the pass in one transaction; commits it when every row went in, else rolls back and says which commits failed.</summary>
    private async Task<IReadOnlyDictionary<int, CommitResult>> TryWriteAsync(IReadOnlyList<LedgerCommit> batch, List<int> pass, CancellationToken cancellationToken)
    {
        var entries = pass.SelectMany(i => batch[i].Entries.Select(entry => (Commit: i, Entry: entry))).ToList();
        var rows = pass.SelectMany(i => batch[i].Stock.Select(s => (Commit: i, s.Record))).ToList();
        var unchained = CommitPlan.Unchained(batch, pass);
        if (unchained.Count > 0)
            return unchained.ToDictionary(i => i, _ => new CommitResult(CommitOutcome.StockConflict));
        var heads = CommitPlan.Heads(batch, pass);
        // A pair's first row creates its head; a head that exists (also one fenced at version 0) is moved.
        var moved = heads.Where(h => h.FromToken is not null).ToList();
        var created = heads.Where(h => h.FromToken is null).ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlBatch(connection, transaction);
        if (entries.Count > 0)
            command.BatchCommands.Add(InsertJournal(entries.Select(e => e.Entry).ToList()));
        if (moved.Count > 0)
        {
            var locking = new NpgsqlBatchCommand(LockHeadsSql);
            locking.AddArray("store_id", NpgsqlDbType.Text, moved.Select(h => h.StoreId));
            locking.AddArray("sku", NpgsqlDbType.Text, moved.Select(h => h.Sku));
            command.BatchCommands.Add(locking);
            command.BatchCommands.Add(MoveHeads(moved));
        }
        if (created.Count > 0)
            command.BatchCommands.Add(NewHeads(created));
        if (rows.Count > 0)
            command.BatchCommands.Add(InsertMovements(rows.Select(r => r.Record).ToList()));

        var journaled = new HashSet<(string, long)>();
        var headsMoved = new HashSet<(string, string)>();
        var written = new HashSet<(string, string, long)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (entries.Count > 0)
            {
                while (await reader.ReadAsync(cancellationToken))
                    journaled.Add((reader.GetString(0), reader.GetInt64(1)));
                await reader.NextResultAsync(cancellationToken);
            }
            if (moved.Count > 0)
                await reader.NextResultAsync(cancellationToken);
            for (var i = 0; i < (moved.Count > 0 ? 1 : 0) + (created.Count > 0 ? 1 : 0); i++)
            {
                while (await reader.ReadAsync(cancellationToken))
                    headsMoved.Add((reader.GetString(0), reader.GetString(1)));
                await reader.NextResultAsync(cancellationToken);
            }
            if (rows.Count > 0)
                while (await reader.ReadAsync(cancellationToken))
                    written.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        var failed = new Dictionary<int, CommitResult>();
        foreach (var head in heads.Where(h => !headsMoved.Contains((h.StoreId, h.Sku))))
            failed[head.RootCommit] = new CommitResult(CommitOutcome.StockConflict);
        var duplicates = rows.Where(r => !written.Contains((r.Record.StoreId, r.Record.Sku, r.Record.Version))).ToList();
        var missingEntries = entries.Where(e => !journaled.Contains((e.Entry.RegisterId, e.Entry.Sequence))).ToList();
        if (failed.Count == 0 && duplicates.Count == 0 && missingEntries.Count == 0)
        {
            try
            {
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception error)
            {
                // Sent or not, it may have committed: only a lookup can tell.
                throw new CommitUncertainException(error);
            }
            return failed;
        }
        await transaction.RollbackAsync(cancellationToken);

        foreach (var commit in missingEntries.GroupBy(e => e.Commit))
        {
            // A commit of several entries is a duplicate when any of them is journaled already, or repeats another of them.
            var siblings = batch[commit.Key].Entries;
            var duplicate = commit.Any(m => siblings.Any(e => !ReferenceEquals(e, m.Entry) && SameDocument(e, m.Entry)));
            foreach (var (_, entry) in commit)
                duplicate = duplicate || await IsJournaledAsync(connection, entry, cancellationToken);
            failed[commit.Key] = new CommitResult(duplicate ? CommitOutcome.DuplicateEntry : CommitOutcome.JournalConflict);
        }
        foreach (var group in duplicates.GroupBy(d => d.Commit))
        {
            if (failed.ContainsKey(group.Key))
                continue;
            var ids = new List<string>();
            foreach (var (_, record) in group)
                if (await MovementExistsAsync(connection, record, cancellationToken))
                    ids.Add(record.MovementId);
            failed[group.Key] = ids.Count > 0 ? new CommitResult(CommitOutcome.DuplicateMovement, ids) : new CommitResult(CommitOutcome.StockConflict);
        }
        return failed;
    }

    private static NpgsqlBatchCommand InsertJournal(IReadOnlyList<JournalEntry> batch)
    {
        var insert = new NpgsqlBatchCommand(InsertJournalSql);
        insert.AddArray("register_id", NpgsqlDbType.Text, batch.Select(e => e.RegisterId));
        insert.AddArray("sequence", NpgsqlDbType.Bigint, batch.Select(e => e.Sequence));
        insert.AddArray("kind", NpgsqlDbType.Text, batch.Select(e => e.Kind));
        insert.AddArray("client_id", NpgsqlDbType.Text, batch.Select(e => e.ClientId));
        insert.AddArray("fiscal_document_number", NpgsqlDbType.Bigint, batch.Select(e => e.FiscalDocumentNumber));
        insert.AddArray("fingerprint", NpgsqlDbType.Text, batch.Select(e => e.Fingerprint));
        // UTF-8 as written: the database reads the JSON from the bytes, nothing is encoded twice.
        insert.AddArray("document", NpgsqlDbType.Bytea, batch.Select(e => e.Document));
        insert.AddArray("state_after", NpgsqlDbType.Bytea, batch.Select(e => e.StateAfter));
        insert.AddArray("recorded_at", NpgsqlDbType.TimestampTz, batch.Select(e => e.RecordedAt.UtcDateTime));
        insert.AddArray("store_id", NpgsqlDbType.Text, batch.Select(e => e.StoreId));
        insert.AddArray("fn_serial", NpgsqlDbType.Text, batch.Select(e => e.FnSerial));
        return insert;
    }

    private static NpgsqlBatchCommand MoveHeads(IReadOnlyList<CommitPlan.HeadMove> heads)
    {
        var update = new NpgsqlBatchCommand(MoveHeadsSql);
        update.AddArray("store_id", NpgsqlDbType.Text, heads.Select(h => h.StoreId));
        update.AddArray("sku", NpgsqlDbType.Text, heads.Select(h => h.Sku));
        update.AddArray("from_version", NpgsqlDbType.Bigint, heads.Select(h => h.FromVersion));
        update.AddArray("from_token", NpgsqlDbType.Text, heads.Select(h => h.FromToken!));
        AddHeadValues(update, heads);
        return update;
    }

    private static NpgsqlBatchCommand NewHeads(IReadOnlyList<CommitPlan.HeadMove> heads)
    {
        var insert = new NpgsqlBatchCommand(NewHeadsSql);
        insert.AddArray("store_id", NpgsqlDbType.Text, heads.Select(h => h.StoreId));
        insert.AddArray("sku", NpgsqlDbType.Text, heads.Select(h => h.Sku));
        AddHeadValues(insert, heads);
        return insert;
    }

    private static void AddHeadValues(NpgsqlBatchCommand command, IReadOnlyList<CommitPlan.HeadMove> heads)
    {
        command.AddArray("version", NpgsqlDbType.Bigint, heads.Select(h => h.To.Record.Version));
        command.AddArray("token", NpgsqlDbType.Text, heads.Select(h => h.To.Token));
        command.AddArray("on_hand", NpgsqlDbType.Numeric, heads.Select(h => h.To.Record.OnHandAfter));
        command.AddArray("reserved", NpgsqlDbType.Numeric, heads.Select(h => h.To.Record.ReservedAfter));
        command.AddArray("incoming", NpgsqlDbType.Numeric, heads.Select(h => h.To.Record.IncomingAfter));
    }

    private static NpgsqlBatchCommand InsertMovements(IReadOnlyList<StockMovementRecord> batch)
    {
        var insert = new NpgsqlBatchCommand(InsertMovementsSql);
        insert.AddArray("store_id", NpgsqlDbType.Text, batch.Select(r => r.StoreId));
        insert.AddArray("sku", NpgsqlDbType.Text, batch.Select(r => r.Sku));
        insert.AddArray("version", NpgsqlDbType.Bigint, batch.Select(r => r.Version));
        insert.AddArray("movement_id", NpgsqlDbType.Text, batch.Select(r => r.MovementId));
        insert.AddArray("type", NpgsqlDbType.Text, batch.Select(r => PostgresStockLedger.TypeName(r.Type)));
        insert.AddArray("quantity", NpgsqlDbType.Numeric, batch.Select(r => r.Quantity));
        insert.AddArray("on_hand_delta", NpgsqlDbType.Numeric, batch.Select(r => r.OnHandDelta));
        insert.AddArray("reserved_delta", NpgsqlDbType.Numeric, batch.Select(r => r.ReservedDelta));
        insert.AddArray("incoming_delta", NpgsqlDbType.Numeric, batch.Select(r => r.IncomingDelta));
        insert.AddArray("on_hand_after", NpgsqlDbType.Numeric, batch.Select(r => r.OnHandAfter));
        insert.AddArray("reserved_after", NpgsqlDbType.Numeric, batch.Select(r => r.ReservedAfter));
        insert.AddArray("incoming_after", NpgsqlDbType.Numeric, batch.Select(r => r.IncomingAfter));
        insert.AddArray("occurred_at", NpgsqlDbType.TimestampTz, batch.Select(r => r.OccurredAt.UtcDateTime));
        insert.AddArray("recorded_at", NpgsqlDbType.TimestampTz, batch.Select(r => r.RecordedAt.UtcDateTime));
        insert.AddArray("reason", NpgsqlDbType.Text, batch.Select(r => r.Reason));
        insert.AddArray("document_kind", NpgsqlDbType.Text, batch.Select(r => r.Document?.Kind));
        insert.AddArray("document_id", NpgsqlDbType.Text, batch.Select(r => r.Document?.Id));
        insert.AddArray("fiscal_document_number", NpgsqlDbType.Bigint, batch.Select(r => r.Document?.FiscalDocumentNumber));
        insert.AddArray("fingerprint", NpgsqlDbType.Text, batch.Select(r => r.Fingerprint));
        return insert;
    }

    private static bool SameDocument(JournalEntry a, JournalEntry b) =>
        a.RegisterId == b.RegisterId && ((a.ClientId is not null && a.ClientId == b.ClientId)
                                         || (a.FnSerial is not null && a.FnSerial == b.FnSerial && a.FiscalDocumentNumber is not null && a.FiscalDocumentNumber == b.FiscalDocumentNumber));

    private static async Task<bool> IsJournaledAsync(NpgsqlConnection connection, JournalEntry entry, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM register_journal WHERE register_id = @register_id AND (client_id = @client_id " +
            "OR (fn_serial = @fn_serial AND fiscal_document_number = @fd)))", connection);
        command.Parameters.AddWithValue("register_id", entry.RegisterId);
        command.Parameters.Add(new NpgsqlParameter("client_id", NpgsqlDbType.Text) { Value = (object?)entry.ClientId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("fn_serial", NpgsqlDbType.Text) { Value = (object?)entry.FnSerial ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("fd", NpgsqlDbType.Bigint) { Value = (object?)entry.FiscalDocumentNumber ?? DBNull.Value });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> MovementExistsAsync(NpgsqlConnection connection, StockMovementRecord record, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM stock_movements WHERE store_id = @store_id AND sku = @sku AND movement_id = @movement_id)", connection);
        command.Parameters.AddWithValue("store_id", record.StoreId);
        command.Parameters.AddWithValue("sku", record.Sku);
        command.Parameters.AddWithValue("movement_id", record.MovementId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The database refused the data itself (a value it cannot store, a broken constraint): not a fault of the database.</summary>
    private static bool IsRefusalOfData(Exception error) =>
        error is PostgresException { SqlState: var state } && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await commits.DisposeAsync();
        lock (heldSync)
        {
            // One still in a write that did not finish may have landed: it is looked up, not refused.
            foreach (var h in held)
                h.Done.TrySetResult(h.Writing ? new CommitResult(CommitOutcome.Unknown) : CommitResult.Unavailable);
            held.Clear();
        }
    }

    private sealed class CommitUncertainException(Exception inner) : Exception("The commit's outcome is unknown.", inner);
}
