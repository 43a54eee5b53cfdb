using Npgsql;
using Retail.Orleans.Registers;
using Retail.Orleans.Stock;

namespace Retail.Orleans.Tests.Postgres;

[Collection(PostgresServer.Collection)]
public sealed class PostgresRegisterJournalTests(PostgresServer server)
{
    private const string Fn = "9960440300123456";

    private static JournalEntry Entry(long sequence, string? clientId, long? fd, string? fn = Fn) =>
        new("till-1", sequence, JournalKinds.Receipt, clientId, fd, "fp", "{}", "{}", DateTimeOffset.UtcNow, FnSerial: fn);

    [Fact]
    public async Task A_fiscal_document_is_journaled_once_per_fn_and_found_by_its_fd_number()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        await using var journal = new PostgresRegisterJournal(dataSource);

        var outcomes = new[]
        {
            await journal.AppendAsync(Entry(1, "r-1", 40)),
            await journal.AppendAsync(Entry(2, "r-2", 40)),                        // FD 40 of this FN is taken
            await journal.AppendAsync(Entry(2, "r-2", 40, "9960440300654321")),    // another FN numbers from 1 again
            await journal.AppendAsync(Entry(3, null, null, null)),                 // an OFD confirmation names no document
            await journal.AppendAsync(Entry(4, null, null, null)),
        };
        var found = await journal.FindAsync("till-1", Fn, 40);
        var other = await journal.FindAsync("till-1", "9960440300654321", 40);
        var missing = await journal.FindAsync("till-1", Fn, 41);

        Assert.Equal([AppendOutcome.Appended, AppendOutcome.VersionTaken, AppendOutcome.Appended, AppendOutcome.Appended, AppendOutcome.Appended], outcomes);
        Assert.Equal(("r-1", 1L, Fn), (found!.ClientId, found.Sequence, found.FnSerial));
        Assert.Equal("r-2", other!.ClientId);
        Assert.Null(missing);
        Assert.Null((await journal.LatestAsync("till-1"))!.FnSerial);
    }
}
