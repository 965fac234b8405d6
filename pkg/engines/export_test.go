package engines

// Internals for the tests of package engines_test.
var (
	FourLetterWord = fourLetterWord
	MySQLQuery     = mySQLQuery
	EtcdQuota      = etcdQuota
)
