namespace Vinculo.Data;

public enum DatabaseProvider
{
    Sqlite = 1,
    Postgres = 2,
    SqlServer = 3,
}
