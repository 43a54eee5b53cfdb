using System.Globalization;
using Npgsql;
using Retail.Faults.Load;
using Retail.Faults.Reporting;

namespace Retail.Faults.Checks;

/// <summary>What the ledger and the journal say once the faults are over: the truth the API's views are held to.</summary>
public sealed class LedgerTruth
{
    public Dictionary<(string StoreId, string Sku), (decimal OnHand, long Version)> Pairs { get; } = [];
    public Dictionary<string, int> JournaledReceiptsByStore { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, decimal> SoldUnitsByStore { get; } = new(StringComparer.Ordinal);
    /// <summary>Sent, never acknowledged (unanswered), yet present: allowed, counted apart.</summary>
    public int AppliedButUnacknowledged { get; set; }
    public int JournalRows { get; set; }
    public int LedgerRows { get; set; }
    /// <summary>Pairs touched by a request that was never answered: their balance cannot be judged.</summary>
    public HashSet<(string, string)> Uncertain { get; } = [];
}

/// <summary>
/// The checks from SQL: every acknowledged receipt journaled once with its movements once, FD numbers
/// contiguous per register, every acknowledged movement once, versions 1..n per pair, and every balance
/// equal to the opening stock plus the acknowledged movements. Nothing may be there that no till sent.
/// </summary>
public static class LedgerChecks
{
    public static async Task<LedgerTruth> RunAsync(string connection, FaultChain chain, IReadOnlyList<TillRequest> requests, Anomalies anomalies)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        var truth = new LedgerTruth();
        var receipts = requests.Where(r => r.Kind == RequestKind.Receipt).ToDictionary(r => (r.RegisterId!, r.Id));
        await CheckJournalAsync(source, chain, receipts, truth, anomalies);
        await CheckLedgerAsync(source, chain, requests, truth, anomalies);
        return truth;
    }

    private static async Task CheckJournalAsync(NpgsqlDataSource source, FaultChain chain,
        Dictionary<(string, string), TillRequest> receipts, LedgerTruth truth, Anomalies anomalies)
    {
        var registerIds = chain.Registers.Select(r => r.Id).ToArray();
        var storeOf = chain.Registers.ToDictionary(r => r.Id, r => r.StoreId, StringComparer.Ordinal);
        await using var command = source.CreateCommand(
            "SELECT register_id, sequence, kind, client_id, fiscal_document_number FROM register_journal " +
            "WHERE register_id = ANY(@registers) ORDER BY register_id, sequence");
        command.Parameters.AddWithValue("registers", registerIds);
        var journaled = new Dictionary<(string, string), int>();
        var fdByRegister = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                truth.JournalRows++;
                var register = reader.GetString(0);
                var kind = reader.GetString(2);
                if (!reader.IsDBNull(4))
                {
                    if (!fdByRegister.TryGetValue(register, out var fds))
                        fdByRegister[register] = fds = [];
                    fds.Add(reader.GetInt64(4));
                }
                if (kind != "receipt")
                    continue;
                var clientId = reader.IsDBNull(3) ? "" : reader.GetString(3);
                journaled[(register, clientId)] = journaled.GetValueOrDefault((register, clientId)) + 1;
                truth.JournaledReceiptsByStore[storeOf[register]] = truth.JournaledReceiptsByStore.GetValueOrDefault(storeOf[register]) + 1;
            }
        }

        foreach (var ((register, id), request) in receipts)
        {
            var count = journaled.GetValueOrDefault((register, id));
            switch (request.Fate)
            {
                case RequestFate.Acknowledged when count != 1:
                    anomalies.Add("acknowledged receipt not journaled exactly once", $"{register} {id}: {count} journal rows");
                    break;
                case RequestFate.Refused when count > 0:
                    anomalies.Add("refused receipt journaled", $"{register} {id} ({request.FinalStatus} {request.FinalCode})");
                    break;
                case RequestFate.Unanswered or RequestFate.Pending when count > 0:
                    truth.AppliedButUnacknowledged++;
                    break;
            }
        }
        foreach (var (key, count) in journaled.Where(j => !receipts.ContainsKey(j.Key)))
            anomalies.Add("journaled receipt no till sent", $"{key.Item1} {key.Item2}: {count} rows");

        // Tag 1040 numbers every fiscal document of a drive: 1, 2, 3... in journal order, none twice, none skipped.
        foreach (var (register, fds) in fdByRegister)
        {
            for (var i = 0; i < fds.Count; i++)
            {
                if (fds[i] == i + 1)
                    continue;
                anomalies.Add("FD numbers not contiguous", string.Create(CultureInfo.InvariantCulture,
                    $"{register}: the {i + 1}th fiscal document in journal order has FD {fds[i]} (FDs {string.Join(",", fds.Skip(Math.Max(0, i - 2)).Take(5))}...)"));
                break;
            }
        }
    }

    private sealed record Row(string StoreId, string Sku, long Version, string MovementId, decimal Delta, decimal OnHandAfter, string? DocumentKind, string? DocumentId);

    private static async Task CheckLedgerAsync(NpgsqlDataSource source, FaultChain chain, IReadOnlyList<TillRequest> requests,
        LedgerTruth truth, Anomalies anomalies)
    {
        var rows = new List<Row>();
        await using (var command = source.CreateCommand(
            "SELECT store_id, sku, version, movement_id, on_hand_delta, on_hand_after, document_kind, document_id " +
            "FROM stock_movements WHERE store_id = ANY(@stores) ORDER BY store_id, sku, version"))
        {
            command.Parameters.AddWithValue("stores", chain.StoreIds.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(new Row(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetDecimal(4),
                    reader.GetDecimal(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        truth.LedgerRows = rows.Count;

        // Versions 1..n per pair, and the running balance agrees with the deltas.
        foreach (var pair in rows.GroupBy(r => (r.StoreId, r.Sku)))
        {
            var ordered = pair.ToList();
            decimal running = 0;
            for (var i = 0; i < ordered.Count; i++)
            {
                running += ordered[i].Delta;
                if (ordered[i].Version != i + 1)
                {
                    anomalies.Add("versions not contiguous", $"{pair.Key.StoreId}/{pair.Key.Sku}: row {i + 1} has version {ordered[i].Version}");
                    break;
                }
                if (ordered[i].OnHandAfter != running)
                {
                    anomalies.Add("on_hand_after disagrees with the deltas", string.Create(CultureInfo.InvariantCulture,
                        $"{pair.Key.StoreId}/{pair.Key.Sku} v{ordered[i].Version}: on_hand_after {ordered[i].OnHandAfter}, sum of deltas {running}"));
                    break;
                }
            }
            truth.Pairs[pair.Key] = (ordered[^1].OnHandAfter, ordered[^1].Version);
        }

        // Every row belongs to something a till sent: a movement by its id, a receipt's line by the receipt's id.
        var movementsById = requests.Where(r => r.Kind is RequestKind.Movement or RequestKind.Setup && r.Effects.Count == 1)
            .ToDictionary(r => (r.Effects[0].StoreId, r.Effects[0].Sku, r.Id));
        var receiptsById = requests.Where(r => r.Kind == RequestKind.Receipt).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var movementRows = new Dictionary<(string, string, string), (int Count, decimal Delta)>();
        var receiptRows = new Dictionary<(string Id, string StoreId, string Sku), List<Row>>();
        foreach (var row in rows)
        {
            if (row.DocumentKind == "receipt" && row.DocumentId is { } documentId && ReceiptOf(documentId, receiptsById) is { } receipt)
            {
                var key = (receipt.Id, row.StoreId, row.Sku);
                if (!receiptRows.TryGetValue(key, out var list))
                    receiptRows[key] = list = [];
                list.Add(row);
            }
            else if (movementsById.ContainsKey((row.StoreId, row.Sku, row.MovementId)))
            {
                var key = (row.StoreId, row.Sku, row.MovementId);
                movementRows[key] = (movementRows.GetValueOrDefault(key).Count + 1, row.Delta);
            }
            else
                anomalies.Add("ledger row no till sent", $"{row.StoreId}/{row.Sku} v{row.Version}: movement {row.MovementId} ({row.DocumentKind} {row.DocumentId})");
        }

        foreach (var (key, request) in movementsById)
        {
            var (count, delta) = movementRows.GetValueOrDefault(key);
            var expected = request.Effects[0].OnHandDelta;
            switch (request.Fate)
            {
                case RequestFate.Acknowledged when count != 1:
                    anomalies.Add("acknowledged movement not in the ledger exactly once", $"{key.Item1}/{key.Item2} {key.Item3}: {count} rows");
                    break;
                case RequestFate.Acknowledged when delta != expected:
                    anomalies.Add("movement applied with another effect", $"{key.Item1}/{key.Item2} {key.Item3}: expected {expected}");
                    break;
                case RequestFate.Refused when count > 0:
                    anomalies.Add("refused movement in the ledger", $"{key.Item1}/{key.Item2} {key.Item3} ({request.FinalStatus} {request.FinalCode})");
                    break;
                case RequestFate.Unanswered or RequestFate.Pending when count > 0:
                    truth.AppliedButUnacknowledged++;
                    break;
            }
        }

        foreach (var receipt in receiptsById.Values)
        {
            var lines = receipt.Effects.Select(e => (Effect: e, Rows: receiptRows.GetValueOrDefault((receipt.Id, e.StoreId, e.Sku)) ?? [])).ToList();
            switch (receipt.Fate)
            {
                case RequestFate.Acknowledged:
                    foreach (var (effect, found) in lines)
                    {
                        if (found.Count != 1)
                            anomalies.Add("acknowledged receipt's movement not in the ledger exactly once",
                                $"{receipt.RegisterId} {receipt.Id} {effect.Sku}: {found.Count} rows");
                        else if (found[0].Delta != effect.OnHandDelta)
                            anomalies.Add("receipt line applied with another effect", string.Create(CultureInfo.InvariantCulture,
                                $"{receipt.Id} {effect.Sku}: expected {effect.OnHandDelta}, ledger {found[0].Delta}"));
                    }
                    break;
                case RequestFate.Refused when lines.Any(l => l.Rows.Count > 0):
                    anomalies.Add("refused receipt's movements in the ledger", $"{receipt.RegisterId} {receipt.Id}");
                    break;
            }
        }
        foreach (var (key, found) in receiptRows)
            if (!receiptsById[key.Id].Effects.Any(e => (e.StoreId, e.Sku) == (key.StoreId, key.Sku)))
                anomalies.Add("receipt movement on a pair the receipt does not have", $"{key.Id} {key.StoreId}/{key.Sku}: {found.Count} rows");

        // Balances: opening plus every acknowledged effect, for every pair no unanswered request touched.
        var expectedOnHand = chain.Pairs.ToDictionary(p => p, _ => 0m);
        foreach (var request in requests)
        {
            if (request.Fate == RequestFate.Acknowledged)
                foreach (var e in request.Effects)
                    expectedOnHand[(e.StoreId, e.Sku)] += e.OnHandDelta;
            else if (request.Fate is RequestFate.Unanswered or RequestFate.Pending)
                foreach (var e in request.Effects)
                    truth.Uncertain.Add((e.StoreId, e.Sku));
        }
        foreach (var (pair, expected) in expectedOnHand)
        {
            if (truth.Uncertain.Contains(pair))
                continue;
            var actual = truth.Pairs.TryGetValue(pair, out var p) ? p.OnHand : 0m;
            if (actual != expected)
                anomalies.Add("balance differs from opening + acknowledged movements", string.Create(CultureInfo.InvariantCulture,
                    $"{pair.StoreId}/{pair.Sku}: ledger {actual}, expected {expected} ({actual - expected:+0.###;-0.###})"));
        }

        foreach (var group in receiptRows)
            truth.SoldUnitsByStore[group.Key.StoreId] = truth.SoldUnitsByStore.GetValueOrDefault(group.Key.StoreId) - group.Value.Sum(r => r.Delta);
    }

    /// <summary>A receipt's movements name it by its till id, possibly prefixed by the register ("register/receipt").</summary>
    private static TillRequest? ReceiptOf(string documentId, Dictionary<string, TillRequest> receipts)
    {
        if (receipts.TryGetValue(documentId, out var receipt))
            return receipt;
        var slash = documentId.LastIndexOf('/');
        return slash >= 0 && receipts.TryGetValue(documentId[(slash + 1)..], out receipt) ? receipt : null;
    }
}
