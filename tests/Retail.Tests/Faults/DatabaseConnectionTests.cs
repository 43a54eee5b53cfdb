using Microsoft.Extensions.Configuration;
using Npgsql;
using Retail.Hosting;

namespace Retail.Tests.Faults;

public sealed class DatabaseConnectionTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void The_pool_is_bounded_and_connects_and_commands_time_out_quickly()
    {
        var built = DatabaseConnection.ConnectionString(Configuration(("ConnectionStrings:Retail", "Host=db;Database=retail;Username=retail")));

        var settings = new NpgsqlConnectionStringBuilder(built);
        Assert.Equal((4, 3, 5), (settings.MaxPoolSize, settings.Timeout, settings.CommandTimeout));
        Assert.Equal(("db", "retail"), (settings.Host, settings.Database));
    }

    [Fact]
    public void The_configured_pool_size_overrides_the_connection_strings_own()
    {
        var built = DatabaseConnection.ConnectionString(Configuration(
            ("ConnectionStrings:Retail", "Host=db;Maximum Pool Size=100"), ("Retail:Database:MaxPoolSize", "6")));

        Assert.Equal(6, new NpgsqlConnectionStringBuilder(built).MaxPoolSize);
    }

    [Fact]
    public void Without_a_connection_string_there_is_none() =>
        Assert.Null(DatabaseConnection.ConnectionString(Configuration()));
}
