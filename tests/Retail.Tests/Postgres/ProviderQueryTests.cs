namespace Retail.Tests.Postgres;

/// <summary>A silo refuses to start when a provider's query is missing from orleansquery.</summary>
[Collection(PostgresServer.Collection)]
public sealed class ProviderQueryTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("MembershipReadAllKey", typeof(ArgumentException), "Missing are: MembershipReadAllKey")]
    [InlineData("WriteToStorageKey", typeof(InvalidOperationException), "Sequence contains no matching element")]
    // Only the storage configured with DeleteStateOnClear needs it.
    [InlineData("DeleteStorageKey", typeof(ArgumentException), "DeleteStateOnClear=true is not supported")]
    [InlineData("UpsertReminderRowKey", typeof(ArgumentException), "Missing are: UpsertReminderRowKey")]
    public async Task A_silo_does_not_start_without_a_query_its_providers_need(string queryKey, Type errorType, string message)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await Sql.ExecuteAsync(connectionString, "DELETE FROM orleansquery WHERE querykey = @key", ("key", queryKey));

        var error = await Record.ExceptionAsync(async () =>
        {
            await using var silo = await PostgresSilo.StartAsync(connectionString);
        });

        Assert.NotNull(error);
        Assert.IsType(errorType, error);
        Assert.Contains(message, error.Message);
    }
}
