/* Exits with status 0 and prints nothing. */
int main(void)
{
	return 0;
}
