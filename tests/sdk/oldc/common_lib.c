/* A library that defines, without initial values, globals its users define too (as
   termcap and readline both define PC, UP and BC): GNU ld merges such common symbols. */
char PC;
char *UP, *BC;
int pad_char(void) { return PC; }
