using System.Globalization;

namespace Retail.Faults.Load;

/// <summary>
/// The harness's stores, SKUs and emulated registers, set up through the API as the admin, with a
/// large opening stock per pair (goods receipts) so no write-off is ever short of stock.
/// </summary>
public sealed class FaultChain
{
    public const decimal OpeningQuantity = 100_000m;
    public const decimal Price = 100m;

    public string Run { get; }
    public IReadOnlyList<string> StoreIds { get; }
    public IReadOnlyList<string> Skus { get; }
    /// <summary>Register id and its store.</summary>
    public IReadOnlyList<(string Id, string StoreId)> Registers { get; }

    public FaultChain(FaultOptions options)
    {
        Run = "f" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        StoreIds = Enumerable.Range(1, options.Stores).Select(i => I($"{Run}-s{i}")).ToList();
        Skus = Enumerable.Range(1, options.Skus).Select(i => I($"{Run}-sku{i}")).ToList();
        Registers = StoreIds.SelectMany(s => Enumerable.Range(1, options.RegistersPerStore).Select(r => (I($"{s}-r{r}"), s))).ToList();
    }

    public IEnumerable<(string StoreId, string Sku)> Pairs => StoreIds.SelectMany(s => Skus.Select(k => (s, k)));

    public static string OpeningId(string storeId, string sku) => $"open-{storeId}-{sku}";

    /// <summary>Setup in dependency order: each batch may run in parallel, the next needs the one before.</summary>
    public IReadOnlyList<IReadOnlyList<TillRequest>> SetupBatches() =>
    [
        [
            .. StoreIds.Select(s => Setup("PUT store", s, HttpMethod.Put, $"api/v1/stores/{s}",
                new { name = $"Store {s}", address = "Moscow, Tverskaya 1", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" })),
            .. Skus.Select(k => Setup("PUT sku", k, HttpMethod.Put, $"api/v1/skus/{k}",
                new { name = $"Kefir {k}", unit = "pcs", vat = "vat22", price = Price, kind = "goods" })),
        ],
        [
            .. Pairs.Select(p => new TillRequest(RequestKind.Setup, "opening goodsReceipt", OpeningId(p.StoreId, p.Sku), HttpMethod.Post,
                $"api/v1/stores/{p.StoreId}/stock/{p.Sku}/movements",
                new { id = OpeningId(p.StoreId, p.Sku), type = "goodsReceipt", quantity = OpeningQuantity, reason = "opening stock" },
                [new LineEffect(p.StoreId, p.Sku, OpeningQuantity)])),
            .. Registers.Select(r => Setup("PUT register", r.Id, HttpMethod.Put, $"api/v1/registers/{r.Id}", new { storeId = r.StoreId })),
        ],
        [.. Registers.Select(r => Setup("open shift", r.Id, HttpMethod.Post, $"api/v1/registers/{r.Id}/shifts/open", new { cashier = new { name = "Ivanova" } }))],
    ];

    private static TillRequest Setup(string operation, string id, HttpMethod method, string path, object body) =>
        new(RequestKind.Setup, operation, id, method, path, body, []);

    /// <summary>A sale of 1 to 3 lines of different SKUs, paid electronically.</summary>
    public TillRequest Receipt(Random random, int till, int n, (string Id, string StoreId) register)
    {
        var id = I($"{Run}-t{till}-rc{n}");
        var lines = Skus.OrderBy(_ => random.Next()).Take(random.Next(1, 4))
            .Select(sku => (Sku: sku, Quantity: (decimal)random.Next(1, 4))).ToList();
        var body = new
        {
            id,
            operation = "sell",
            items = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, price = Price }).ToList(),
            payments = new[] { new { type = "electronic", amount = lines.Sum(l => l.Quantity) * Price } },
        };
        return new TillRequest(RequestKind.Receipt, "receipt", id, HttpMethod.Post, $"api/v1/registers/{register.Id}/receipts", body,
            lines.Select(l => new LineEffect(register.StoreId, l.Sku, -l.Quantity)).ToList())
        {
            RegisterId = register.Id,
            StoreId = register.StoreId,
        };
    }

    /// <summary>A write-off or a goods receipt on one pair of the till's store.</summary>
    public TillRequest Movement(Random random, int till, int n, string storeId)
    {
        var id = I($"{Run}-t{till}-mv{n}");
        var sku = Skus[random.Next(Skus.Count)];
        var writeOff = random.Next(2) == 0;
        var quantity = (decimal)random.Next(1, 6);
        var type = writeOff ? "writeOff" : "goodsReceipt";
        return new TillRequest(RequestKind.Movement, type, id, HttpMethod.Post, $"api/v1/stores/{storeId}/stock/{sku}/movements",
            new { id, type, quantity, reason = writeOff ? "damaged" : "delivery" },
            [new LineEffect(storeId, sku, writeOff ? -quantity : quantity)])
        {
            StoreId = storeId,
        };
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
