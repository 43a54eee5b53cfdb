using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Retail.Tests.Postgres;

/// <summary>Reminders through the real ADO.NET reminder table on a live silo.</summary>
[Collection(PostgresServer.Collection)]
public sealed class ReminderTableTests(PostgresServer postgres)
{
    private static readonly GrainType Restock = GrainType.Create("restock");

    // Far in the future, so the silo's own reminder service never tries to fire these rows.
    private static readonly DateTime NextYear = new(DateTime.UtcNow.Year + 1, 3, 1, 8, 30, 15, 123, DateTimeKind.Utc);

    [Fact]
    public async Task Upserts_bump_the_etag_and_removal_needs_the_current_one()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var table = silo.Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create(Restock, "store:0042/aisle-3");
        var monthly = TimeSpan.FromDays(30); // beyond int.MaxValue milliseconds

        var first = await table.UpsertRow(Entry(grain, "monthly-count", monthly)) ?? "";
        var second = await table.UpsertRow(Entry(grain, "monthly-count", monthly)) ?? "";
        var other = await table.UpsertRow(Entry(grain, "weekly-count", TimeSpan.FromDays(7)));

        Assert.Equal(("1", "2", "1"), (first, second, other));
        var row = await table.ReadRow(grain, "monthly-count");
        Assert.NotNull(row);
        Assert.Equal((grain, "monthly-count", NextYear, monthly, "2"), (row.GrainId, row.ReminderName, row.StartAt, row.Period, row.ETag));
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        var rows = await table.ReadRows(grain);
        Assert.Equal(["monthly-count", "weekly-count"], rows.Reminders.Select(reminder => reminder.ReminderName).Order());

        Assert.False(await table.RemoveRow(grain, "monthly-count", first));
        Assert.NotNull(await table.ReadRow(grain, "monthly-count"));
        Assert.True(await table.RemoveRow(grain, "monthly-count", second));
        Assert.Null(await table.ReadRow(grain, "monthly-count"));
        Assert.False(await table.RemoveRow(grain, "monthly-count", second));
        Assert.Single((await table.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task Range_reads_follow_the_hash_ring_including_wrap_around()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var table = silo.Services.GetRequiredService<IReminderTable>();
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create(Restock, $"store:{i}")).ToList();
        foreach (var grain in grains) await table.UpsertRow(Entry(grain, "restock", TimeSpan.FromHours(1)));
        var hashes = grains.Select(grain => grain.GetUniformHashCode()).Order().ToList();
        Assert.Contains(hashes, hash => hash < 0x8000_0000u);
        Assert.Contains(hashes, hash => hash >= 0x8000_0000u);

        (uint Begin, uint End)[] ranges =
        [
            (hashes[3], hashes[17]),               // plain, in the lower half
            (hashes[5], hashes[35]),               // plain unsigned, but crosses the signed boundary
            (hashes[30], hashes[8]),               // wraps past the top of the ring
            (0x7FFF_FFFFu, 0x8000_0000u),          // the signed boundary itself
            (hashes[12], hashes[12]),              // begin = end: the whole ring
            (0u, uint.MaxValue),                   // all but hash 0
        ];
        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(grain => InRange(grain.GetUniformHashCode(), begin, end)).Select(grain => grain.ToString()).Order();
            var actual = (await table.ReadRows(begin, end)).Reminders.Select(reminder => reminder.GrainId.ToString()).Order();
            Assert.True(expected.SequenceEqual(actual), $"range ({begin:X8}, {end:X8}]");
        }
    }

    [Fact]
    public async Task A_registered_reminder_fires_and_can_be_cancelled()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var key = "store:" + Guid.NewGuid().ToString("N");
        var grain = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRestockReminderGrain>(key);

        await grain.Schedule(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));

        var deadline = Stopwatch.StartNew();
        while (!RestockReminderGrain.Ticks.ContainsKey(key) && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }
        Assert.True(RestockReminderGrain.Ticks.ContainsKey(key), "the reminder did not fire within 20 s");
        var stored = Assert.Single(await Sql.RowsAsync(connectionString, "SELECT grain_id, reminder_name, period FROM orleans_reminder"));
        Assert.Equal([$"restockreminder/{key}", RestockReminderGrain.ReminderName, 60_000L], stored);

        await grain.Cancel();
        Assert.Equal(0L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_reminder"));
    }

    // The ring interval (begin, end]; begin = end is the whole ring.
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = NextYear,
        Period = period,
    };
}
