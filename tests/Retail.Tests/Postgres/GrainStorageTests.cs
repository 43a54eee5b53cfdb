using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Retail.Tests.Postgres;

/// <summary>Grain state through the real ADO.NET grain storage on a live silo.</summary>
[Collection(PostgresServer.Collection)]
public sealed class GrainStorageTests(PostgresServer postgres)
{
    private static readonly GrainType Shelf = GrainType.Create("shelf");

    [Fact]
    public async Task State_survives_a_silo_restart_and_etags_count_up_from_one()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        const string key = "store:0042/aisle-3";

        await using (var silo = await PostgresSilo.StartAsync(connectionString))
        {
            var tally = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IShelfTallyGrain>(key);
            Assert.Equal(new TallyView(0, null, false), await tally.Read());
            Assert.Equal(new TallyView(2, "1", true), await tally.Add(2));
            Assert.Equal(new TallyView(5, "2", true), await tally.Add(3));
            await silo.StopAsync();
            // A graceful stop records the silo as Dead.
            Assert.Equal(6, await Sql.ScalarAsync(connectionString,
                "SELECT status FROM orleans_membership WHERE port = @port", ("port", silo.SiloPort)));
        }

        await using (var silo = await PostgresSilo.StartAsync(connectionString))
        {
            var tally = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IShelfTallyGrain>(key);
            Assert.Equal(new TallyView(5, "2", true), await tally.Read());
            Assert.Equal(new TallyView(6, "3", true), await tally.Add(1));
        }

        var row = Assert.Single(await Sql.RowsAsync(connectionString,
            "SELECT grain_type, grain_id_extension, version FROM orleans_grain_state"));
        Assert.Equal([ShelfTallyGrain.StateName, key, 3], row);
    }

    [Fact]
    public async Task Writes_from_a_stale_or_missing_etag_are_conflicts_that_change_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(PostgresSilo.TallyStorage);
        var grain = GrainId.Create(Shelf, "store:7/aisle-1");

        var current = new GrainState<ShelfTally>(new ShelfTally { Quantity = 1 });
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, current);
        Assert.Equal("1", current.ETag);
        var stale = new GrainState<ShelfTally>(new ShelfTally { Quantity = 100 }, "1");
        current.State!.Quantity = 2;
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, current);
        Assert.Equal("2", current.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, new GrainState<ShelfTally>(new ShelfTally { Quantity = 200 })));

        var read = new GrainState<ShelfTally>();
        await storage.ReadStateAsync(ShelfTallyGrain.StateName, grain, read);
        Assert.Equal((2, "2", true), (read.State!.Quantity, read.ETag, read.RecordExists));

        // Parallel writers holding the same ETag: exactly one wins.
        var writers = Enumerable.Range(1, 6)
            .Select(i => new GrainState<ShelfTally>(new ShelfTally { Quantity = 10 + i }, "2"))
            .ToList();
        var outcomes = await Task.WhenAll(writers.Select(writer => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, writer);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));
        Assert.Single(outcomes, won => won);
        var winner = writers[Array.IndexOf(outcomes, true)];
        Assert.Equal("3", winner.ETag);
        await storage.ReadStateAsync(ShelfTallyGrain.StateName, grain, read);
        Assert.Equal((winner.State!.Quantity, "3"), (read.State!.Quantity, read.ETag));
        Assert.Equal(1L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_grain_state"));
    }

    [Fact]
    public async Task Blind_first_writes_racing_for_a_new_grain_let_exactly_one_in()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(PostgresSilo.TallyStorage);
        // An integer key has a NULL extension: the case a plain unique constraint would let through twice.
        var grain = GrainId.Create(Shelf, GrainIdKeyExtensions.CreateIntegerKey(9001));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, new GrainState<ShelfTally>(new ShelfTally { Quantity = i }));
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
        Assert.Equal(1L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_grain_state"));
    }

    [Fact]
    public async Task Clearing_in_keep_mode_keeps_the_row_with_no_payload_and_moves_the_etag_on()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(PostgresSilo.TallyStorage);
        var grain = GrainId.Create(Shelf, "store:8/aisle-2");
        var state = new GrainState<ShelfTally>(new ShelfTally { Quantity = 4 });
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, state);
        var stale = new GrainState<ShelfTally>(new ShelfTally(), state.ETag);
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync(ShelfTallyGrain.StateName, grain, stale));
        await storage.ClearStateAsync(ShelfTallyGrain.StateName, grain, state);

        Assert.Equal("3", state.ETag);
        var row = Assert.Single(await Sql.RowsAsync(connectionString, "SELECT payload, version FROM orleans_grain_state"));
        Assert.Equal([null, 3], row);
        var read = new GrainState<ShelfTally>();
        await storage.ReadStateAsync(ShelfTallyGrain.StateName, grain, read);
        Assert.Equal((0, "3", false), (read.State!.Quantity, read.ETag, read.RecordExists));
        read.State!.Quantity = 1;
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, read);
        Assert.Equal("4", read.ETag);
    }

    [Fact]
    public async Task Clearing_in_delete_mode_removes_the_row_and_the_next_write_starts_at_one()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(PostgresSilo.DeletingTallyStorage);
        var grain = GrainId.Create(Shelf, "store:9/aisle-4");
        var state = new GrainState<ShelfTally>(new ShelfTally { Quantity = 4 });
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, state);
        var stale = new GrainState<ShelfTally>(new ShelfTally(), state.ETag);
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync(ShelfTallyGrain.StateName, grain, stale));
        Assert.Equal(1L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_grain_state"));
        await storage.ClearStateAsync(ShelfTallyGrain.StateName, grain, state);

        Assert.Null(state.ETag);
        Assert.Equal(0L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_grain_state"));
        state.State!.Quantity = 7;
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, grain, state);
        Assert.Equal("1", state.ETag);
    }

    public static TheoryData<string, long, long, string?, int> KeyKinds()
    {
        var guid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var bytes = guid.ToByteArray();
        return new()
        {
            // Hash values are the storage provider's own (XxHash32 of the reversed key bytes).
            { "string", 0, 0, "hello-world", 638405718 },
            { "integer", 0, 42, null, -110949262 },
            { "integer+extension", 0, 42, "x", -468162836 },
            { "guid", BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8), null, 189902723 },
            { "negative-long", 0, -5_000_000_000, null, 0 },
            { "guid+extension", BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8), "store:1", 0 },
            { "prefixed-number", 0, 0, "store:12345", 0 },
        };
    }

    [Theory]
    [MemberData(nameof(KeyKinds))]
    public async Task Each_kind_of_grain_key_gets_its_own_row_and_round_trips(
        string kind, long n0, long n1, string? extension, int expectedIdHash)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(PostgresSilo.TallyStorage);
        var grain = GrainId.Create(Shelf, kind switch
        {
            "string" or "prefixed-number" => IdSpan.Create(extension!),
            "integer" or "integer+extension" or "negative-long" => GrainIdKeyExtensions.CreateIntegerKey(n1, extension),
            _ => GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), extension),
        });
        // "state" is the state name Grain<T> uses; its hash is a published vector.
        const string stateName = "state";

        await storage.WriteStateAsync(stateName, grain, new GrainState<ShelfTally>(new ShelfTally { Quantity = 12 }));

        var row = Assert.Single(await Sql.RowsAsync(connectionString,
            "SELECT grain_id_n0, grain_id_n1, grain_id_extension, grain_id_hash, grain_type_hash FROM orleans_grain_state"));
        Assert.Equal((n0, n1, extension), ((long)row[0]!, (long)row[1]!, (string?)row[2]));
        if (expectedIdHash != 0) Assert.Equal(expectedIdHash, row[3]);
        Assert.Equal(631257761, row[4]);
        var read = new GrainState<ShelfTally>();
        await storage.ReadStateAsync(stateName, grain, read);
        Assert.Equal((12, "1", true), (read.State!.Quantity, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task Hex_looking_string_keys_share_a_row_unless_prefixed()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(PostgresSilo.TallyStorage);
        await storage.WriteStateAsync(ShelfTallyGrain.StateName, GrainId.Create(Shelf, "12345"),
            new GrainState<ShelfTally>(new ShelfTally { Quantity = 1 }));

        // The provider stores "12345" as the integer 0x12345, and "012345" is the same integer.
        var twin = new GrainState<ShelfTally>();
        await storage.ReadStateAsync(ShelfTallyGrain.StateName, GrainId.Create(Shelf, "012345"), twin);
        var prefixed = new GrainState<ShelfTally>();
        await storage.ReadStateAsync(ShelfTallyGrain.StateName, GrainId.Create(Shelf, "store:12345"), prefixed);

        Assert.Equal((1, true), (twin.State!.Quantity, twin.RecordExists));
        Assert.False(prefixed.RecordExists);
        Assert.Equal([0L, 0x12345L, null], Assert.Single(await Sql.RowsAsync(connectionString,
            "SELECT grain_id_n0, grain_id_n1, grain_id_extension FROM orleans_grain_state")));
    }
}
